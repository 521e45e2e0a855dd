// The start-up delay (model load): /health and the model's routes refuse until it passes, then serve.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { waitFor } from "@reviewlens/testkit";
import { startSim, type Sim } from "./sim-process.js";

let sim: Sim;
before(async () => {
  // 300 virtual seconds at 100x: three wall seconds of model load.
  sim = await startSim(["--time-scale", "0.01", "--startup-delay-seconds", "300"]);
});
after(() => sim?.stop());

test("/health and generation answer 503 while the model loads, /metrics answers, then all serve", async () => {
  const health = await fetch(`${sim.url}/health`);
  await health.body?.cancel();
  assert.equal(health.status, 503);
  const early = await sim.post("/v1/completions", { prompt: "too early", max_tokens: 2 });
  assert.equal(early.status, 503);
  assert.match(((await early.json()) as { error: { message: string } }).error.message, /still loading/);
  assert.equal((await fetch(`${sim.url}/metrics`)).status, 200);
  assert.equal(sim.process.logs.some((l) => l["msg"] === "model loaded; /health passes"), false);

  await waitFor(async () => {
    const res = await fetch(`${sim.url}/health`);
    await res.body?.cancel();
    return res.ok || undefined;
  }, "/health passes", 60_000);
  const loaded = sim.process.logs.find((l) => l["msg"] === "model loaded; /health passes");
  assert.equal(loaded?.["wallMs"], 300 * 1_000 * 0.01, "the load lasts the virtual delay times the time scale");
  const answer = await sim.json<{ usage: { completion_tokens: number } }>("/v1/completions", { prompt: "now", max_tokens: 2, ignore_eos: true });
  assert.equal(answer.usage.completion_tokens, 2);
});

test("a bad start-up delay is refused with the flag named", async () => {
  await assert.rejects(startSim(["--startup-delay-seconds=-1"]), /VLLM_SIM_STARTUP_DELAY_SECONDS \(--startup-delay-seconds\)/);
});
