// `make demo` end to end (a smaller data set): it exits 0, names each analysis it ran, says plainly
// that the answers come from the simulator, and runs it in grounded mode: summaries are sentences of
// the restaurant's own reviews and strengths pass the thresholds through the whole pipeline.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { generateDataset } from "@reviewlens/demo-data";
import { repoRoot } from "@reviewlens/testkit";

const DEMO = { seed: 42, restaurants: 4, maxReviews: 40 };
// The demo generates the same data set from the same settings.
const { reviews } = generateDataset(DEMO);
const sentencesOf = (text: string) => text.split(/(?<=[.!?])\s+/);
const reviewsOf = (restaurantId: string) => reviews.filter((r) => r.restaurant_id === restaurantId).map((r) => r.text);

/** The indented lines the demo printed under `head` (a result's body). */
function bodyUnder(out: string, head: string): string[] {
  const lines = out.split("\n");
  const at = lines.indexOf(head);
  if (at < 0) return [];
  const body: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith("  ")) break;
    body.push(line.slice(2));
  }
  return body;
}

describe("make demo", () => {
  it("runs the main job on the embedded default, grounded, and exits 0", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "tools/demo/src/main.ts"], {
      cwd: repoRoot,
      env: { ...process.env, DEMO_SEED: String(DEMO.seed), DEMO_RESTAURANTS: String(DEMO.restaurants), DEMO_MAX_REVIEWS: String(DEMO.maxReviews), GATEWAY_BACKEND_URLS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    const [code] = (await once(child, "exit")) as [number | null];
    clearTimeout(killer);
    assert.equal(code, 0, `demo failed:\n${out}\n${err}`);
    assert.match(out, /^Answers come from the built-in vLLM simulator .*, not from a language model\./m, "it says plainly where the answers come from");
    assert.match(out, /Set GATEWAY_BACKEND_URLS to a real vLLM endpoint/);
    for (const restaurant of ["r001", "r002", "r003"]) {
      for (const kind of ["sentiment", "summary", "strengths"]) assert.match(out, new RegExp(`${kind} of ${restaurant}: completed`));
    }
    assert.match(out, /r004: completed/, "the batch covers the fourth restaurant too");
    for (const restaurant of ["r001", "r002", "r003"]) {
      assert.match(out, new RegExp(`summary of ${restaurant}: skipped \\(stored result`), "the batch does not summarise a restaurant twice");
    }
    assert.match(out, /batch finished in .*; 3 of 4 answered from the stored result/, "the three restaurants analysed first, of the four");
    assert.match(out, /prompt tok[\s│]+cached[\s│]+output tok[\s│]+all-reviews tok[\s│]+cached[\s│]+saved[\s│]+saved computed/);
    assert.match(out, /ingested .*: \d+ rows, \d+ stored, 0 rejected/);

    // Grounded mode: each summary is made of sentences of that restaurant's own reviews (random mode
    // would print random words).
    for (const restaurant of ["r001", "r002", "r003"]) {
      const [overall] = bodyUnder(out, `summary of ${restaurant}: completed`);
      assert.ok(overall, `a summary of ${restaurant} was printed`);
      const own = reviewsOf(restaurant).flatMap(sentencesOf);
      for (const sentence of sentencesOf(overall)) assert.ok(own.includes(sentence), `${restaurant}: "${sentence}" is a sentence of its reviews`);
    }
    // Strengths passed the default thresholds (support >= 2, lift >= 1.5) through steps F to H, each
    // stated in words of that restaurant's reviews.
    const strengths = ["r001", "r002", "r003"].flatMap((restaurant) =>
      bodyUnder(out, `strengths of ${restaurant}: completed`)
        .map((line) => /^- (.+) \([a-z_]+; support (\d+), lift ([\d.]+)\) \[/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ restaurant, statement: m[1]!, support: Number(m[2]), lift: Number(m[3]) })),
    );
    assert.ok(strengths.length > 0, `at least one strength passed the thresholds:\n${out}`);
    for (const s of strengths) {
      assert.ok(s.support >= 2 && s.lift >= 1.5, JSON.stringify(s));
      const words = s.statement.split(" ");
      assert.ok(reviewsOf(s.restaurant).some((text) => words.every((w) => text.includes(w))), `${s.restaurant}: "${s.statement}" is in words of one of its reviews`);
    }
  });
});
