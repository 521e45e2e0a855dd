// `make demo` end to end (a smaller data set): it exits 0, names each analysis it ran, says where
// the answers come from.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { repoRoot } from "@reviewlens/testkit";

describe("make demo", () => {
  it("runs the main job on the embedded default and exits 0", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "tools/demo/src/main.ts"], {
      cwd: repoRoot,
      env: { ...process.env, DEMO_RESTAURANTS: "4", DEMO_MAX_REVIEWS: "40", VLLM_URLS: "" },
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
    assert.match(out, /built-in vLLM simulator/);
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
  });
});
