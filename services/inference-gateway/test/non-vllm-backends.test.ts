// Backends that are not vLLM: two real vllm-sim processes started without /metrics, /tokenize and
// /health (as SGLang, llama.cpp's server, TGI or Ollama lack them). The gateway still takes them in,
// routes and admits on its own in-flight accounting, estimates prompt tokens, and says in GetStatus
// which signals each one lacks.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { inference } from "@reviewlens/contracts";
import { createTestDatabase, waitFor, type TestDatabase } from "@reviewlens/testkit";
import { llmRequest, startStack, words, type Gateway, type Sim } from "./gateway-harness.js";

const { BackendSignal } = inference;
let sims: Sim[];
let gateway: Gateway;
let db: TestDatabase;

before(async () => {
  db = await createTestDatabase("gateway_non_vllm");
  const bare = ["--disable-endpoints", "metrics,tokenize,health"];
  ({ sims, gateway } = await startStack([bare, bare], {
    DATABASE_URL: db.url,
    GATEWAY_ROUTING: "least-loaded",
    GATEWAY_MAX_NUM_SEQS: "2",
    // Asks for /tokenize: the backends have none, so the estimate stands in.
    GATEWAY_TOKENIZE: "true",
  }));
});

after(async () => {
  await gateway?.close();
  await Promise.all((sims ?? []).map((s) => s.process.stop()));
  await db?.drop();
});

const running = async (sim: Sim) => ((await (await fetch(`${sim.url}/sim/stats`)).json()) as { running: number }).running;

test("backends without /health, /metrics and /tokenize are taken in, and GetStatus names what each lacks", async () => {
  const all = [BackendSignal.BACKEND_SIGNAL_LOAD_METRICS, BackendSignal.BACKEND_SIGNAL_TOKENIZE, BackendSignal.BACKEND_SIGNAL_HEALTH];
  // Before any request: the probes found each missing endpoint.
  const status = await waitFor(async () => {
    const s = await gateway.client.getStatus({});
    return s.backends.every((b) => all.every((signal) => b.missingSignals.includes(signal))) ? s : undefined;
  }, "every backend's missing signals");
  assert.equal(status.backends.length, 2);
  for (const b of status.backends) {
    assert.equal(b.healthy, true, b.url);
    assert.equal(b.lastError, "");
    assert.deepEqual([...b.missingSignals].sort(), [...all].sort());
  }
  const first = await gateway.client.complete({ request: llmRequest(`hello ${words(40)}`, {}, { maxTokens: 3, ignoreEos: true }) });
  assert.equal(first.usage?.outputTokens, 3);
});

test("without /tokenize prompt tokens are estimated, and the estimate learns from the returned usage", async () => {
  const samplesBefore = (await gateway.client.getStatus({})).estimator.find((e) => e.script === "latin")!.samples;
  for (let i = 0; i < 3; i++) await gateway.client.complete({ request: llmRequest(`estimate me ${i} ${words(60, `e${i}`)}`, {}, { maxTokens: 2, ignoreEos: true }) });
  const samplesAfter = (await gateway.client.getStatus({})).estimator.find((e) => e.script === "latin")!.samples;
  assert.equal(samplesAfter, samplesBefore + 3, "each request's prompt_tokens calibrated the estimator (not used with an exact count)");
});

test("without load metrics, routing and admission run on the gateway's in-flight accounting", async () => {
  const stop = new AbortController();
  const calls = Array.from({ length: 6 }, (_, i) =>
    gateway.client.complete({ request: llmRequest(`long ${i}`, {}, { maxTokens: 30_000, ignoreEos: true }) }, { signal: stop.signal }).catch(() => undefined),
  );
  try {
    // Two per backend (its sequence budget), spread across both; the other two wait in the gateway.
    await waitFor(async () => {
      const status = await gateway.client.getStatus({});
      const queued = status.queues.reduce((n, q) => n + q.depth, 0);
      return (status.backends.every((b) => b.inFlightSequences === 2) && queued === 2) || undefined;
    }, "two in flight on each backend, two queued");
    for (const sim of sims) await waitFor(async () => (await running(sim)) === 2 || undefined, `${sim.url} running two`);
    const status = await gateway.client.getStatus({});
    for (const b of status.backends) assert.equal(b.numRequestsWaiting, 0, "nothing scraped: no vLLM gauges");
  } finally {
    stop.abort();
    await Promise.all(calls);
  }
  await waitFor(async () => ((await Promise.all(sims.map(running))).every((n) => n === 0)) || undefined, "cancelled requests aborted on the backends");
});
