// vLLM's engine-side admission (--max-num-queued-reqs / --max-num-queued-tokens) and endpoints
// turned off (a server that is not vLLM), against real simulator processes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { waitFor } from "@reviewlens/testkit";
import { sample, startSim, type Sim } from "./sim-process.js";

interface Stats {
  running: number;
  waiting: number;
  admission: { maxNumQueuedReqs?: number; maxNumQueuedTokens?: number; unfinished: number; prefillBacklogTokens: number };
}

describe("engine-side admission", () => {
  let sim: Sim;
  // One running sequence at a time: a second request waits in the engine, its prompt in the
  // prefill backlog, for as long as the first one runs.
  before(async () => {
    sim = await startSim(["--max-num-seqs", "1", "--max-num-queued-reqs", "3", "--max-num-queued-tokens", "300"]);
  });
  after(async () => {
    await sim?.stop();
  });

  const stats = () => sim.json<Stats>("/sim/stats");
  const rejections = async (reason: string) => sample(await sim.metrics(), "vllm:admission_rejections_total", `reason="${reason}"`);
  /** Starts a streaming completion and resolves once its response headers are in (it is admitted). */
  const open = async (prompt: string, maxTokens: number) => {
    const abort = new AbortController();
    const res = await fetch(`${sim.url}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt, max_tokens: maxTokens, ignore_eos: true, stream: true }),
      signal: abort.signal,
    });
    assert.equal(res.status, 200);
    // Read in the background: cancelling the body would close the connection and abort the request.
    void (async () => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) void chunk;
    })().catch(() => {});
    return abort;
  };
  const refused = async (stream: boolean) => sim.post("/v1/completions", { prompt: "one more", max_tokens: 4, stream });

  test("the counter exists at zero for both reasons before any rejection", async () => {
    assert.equal(await rejections("max_num_queued_reqs"), 0);
    assert.equal(await rejections("max_num_queued_tokens"), 0);
  });

  test("refuses with vLLM's 503 while the prefill backlog is at the token cap, then by the request cap", async () => {
    const running = await open("a long answer", 30_000);
    await waitFor(async () => ((await stats()).running === 1 && (await stats()).admission.prefillBacklogTokens === 0) || undefined, "the first request decoding");
    const longPrompt = Array.from({ length: 400 }, () => "x").join(" ");
    const waiting = await open(longPrompt, 4);
    const backlog = await stats();
    assert.equal(backlog.waiting, 1);
    assert.ok(backlog.admission.prefillBacklogTokens >= 300, `backlog ${backlog.admission.prefillBacklogTokens}`);

    // Two unfinished, room for a third by count, but the backlog is at the token cap. A stream is
    // refused before it starts: a plain 503 with vLLM's error body, not an SSE error.
    const byTokens = await refused(true);
    assert.equal(byTokens.status, 503);
    assert.match(byTokens.headers.get("content-type") ?? "", /application\/json/);
    assert.deepEqual(await byTokens.json(), {
      error: {
        message: "The engine has reached its prefill token backlog limit. Please try again later or on a different instance.",
        type: "Service Unavailable",
        param: null,
        code: 503,
      },
    });
    assert.equal(await rejections("max_num_queued_tokens"), 1);

    // The long prompt leaves (its client goes away): the backlog empties, short prompts get in
    // until three are unfinished; the fourth is refused by the request cap.
    waiting.abort();
    await waitFor(async () => (await stats()).admission.unfinished === 1 || undefined, "the long prompt aborted");
    const second = await open("short", 4);
    const third = await open("short too", 4);
    assert.equal((await stats()).admission.unfinished, 3);
    const byCount = await refused(false);
    assert.equal(byCount.status, 503);
    const body = (await byCount.json()) as { error: { message: string; type: string; code: number } };
    assert.equal(body.error.message, "The engine is currently busy and cannot accept new requests. Please try again later or on a different instance.");
    assert.equal(body.error.type, "Service Unavailable");
    assert.equal(await rejections("max_num_queued_reqs"), 1);
    assert.equal(await rejections("max_num_queued_tokens"), 1);
    assert.equal((await stats()).admission.unfinished, 3, "a refused request never entered the engine");

    // Room again once a request ends: the same request is admitted and answered.
    running.abort();
    await waitFor(async () => (await stats()).admission.unfinished < 3 || undefined, "the long request aborted");
    const admitted = await sim.json<{ usage: { completion_tokens: number } }>("/v1/completions", { prompt: "one more", max_tokens: 4 });
    assert.equal(admitted.usage.completion_tokens, 4);
    second.abort();
    third.abort();
  });
});

describe("endpoints turned off", () => {
  let sim: Sim;
  before(async () => {
    sim = await startSim(["--time-scale", "0.01", "--disable-endpoints", "metrics,tokenize,health"]);
  });
  after(async () => {
    await sim?.stop();
  });

  test("answers 404 on /metrics, /tokenize, /detokenize and /health, and still serves the OpenAI API", async () => {
    for (const [method, path] of [["GET", "/metrics"], ["POST", "/tokenize"], ["POST", "/detokenize"], ["GET", "/health"]] as const) {
      const res = await fetch(`${sim.url}${path}`, { method, ...(method === "POST" ? { body: "{}", headers: { "content-type": "application/json" } } : {}) });
      assert.equal(res.status, 404, `${method} ${path}`);
      await res.body?.cancel();
    }
    const models = await sim.json<{ data: Array<{ id: string }> }>("/v1/models");
    assert.equal(models.data.length, 1);
    const completion = await sim.json<{ usage: { completion_tokens: number } }>("/v1/completions", { prompt: "hello", max_tokens: 3, ignore_eos: true });
    assert.equal(completion.usage.completion_tokens, 3);
  });
});
