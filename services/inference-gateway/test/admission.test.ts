// Admission through a real gateway in front of a real, slowed-down vllm-sim: a prompt larger than
// the short-prompt threshold waits in the gateway while the prefill budget is full; a short one
// goes to the backend at once. The order is read from the simulator's engine steps, not from
// wall-clock thresholds, so a busy machine cannot turn it around.
import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "@reviewlens/testkit";
import { llmRequest, useSingleSimStack, words } from "./gateway-harness.js";

// A slow engine (one step is about 1.2 s of wall time) leaves the test ample room to send the short
// prompt while the first one is still in its prefill step.
const stack = useSingleSimStack("gateway_admission", ["--time-scale", "200"], {
  GATEWAY_MAX_NUM_BATCHED_TOKENS: "256",
  GATEWAY_PREFILL_BUDGET_STEPS: "1",
  GATEWAY_INTERACTIVE_PREFILL_BUDGET_STEPS: "1",
  GATEWAY_SHORT_PROMPT_TOKENS: "48",
  // Exact shortest-first, so the short prompt is not queued first-come behind the medium one.
  GATEWAY_SJF_GRANULARITY_TOKENS: "1",
  GATEWAY_TOKENIZE: "true",
});

interface EngineStep {
  index: number;
  prefillSeqs: number;
  decodeSeqs: number;
}

const queueDepth = async () => (await stack.gateway.client.getStatus({})).queues.reduce((n, q) => n + q.depth, 0);
const prefillSteps = async () => {
  const body = (await (await fetch(`${stack.sim.url}/sim/steps?limit=4096`)).json()) as { steps: EngineStep[] };
  return body.steps.filter((s) => s.prefillSeqs > 0);
};

test("a short prompt goes ahead while the prefill budget is full; a longer one waits for it", async () => {
  const stepsBefore = (await prefillSteps()).length;
  // 300 prompt tokens: more than the 256-token budget on its own.
  const first = stack.gateway.client.complete({ request: llmRequest(words(150, "a")) });
  await waitFor(async () => (await stack.gateway.metric("gateway_requests_in_flight")) === 1 || undefined, "the first prompt in flight");
  const medium = stack.gateway.client.complete({ request: llmRequest(words(60, "b")) });
  await waitFor(async () => (await queueDepth()) === 1 || undefined, "the medium prompt queued");
  const short = await stack.gateway.client.complete({ request: llmRequest("a short question") });
  assert.ok(short.usage!.promptTokens <= 48, `the short prompt has ${short.usage!.promptTokens} tokens`);
  const [, mediumDone] = await Promise.all([first, medium]);
  assert.ok(mediumDone.usage!.promptTokens > 48);
  assert.equal(await queueDepth(), 0);

  // The engine's own record of what it prefilled, step by step: the first prompt alone; then the
  // short one beside the first one's decode, before the medium one arrived (had the short prompt
  // waited for the budget, both would have been dispatched together when the first prefill ended,
  // and prefilled in one step); then the medium one.
  const steps = (await prefillSteps()).slice(stepsBefore);
  const shape = steps.map((s) => ({ prefill: s.prefillSeqs, decode: s.decodeSeqs }));
  assert.equal(steps.length, 3, `prefill steps: ${JSON.stringify(shape)}`);
  assert.deepEqual(shape[0], { prefill: 1, decode: 0 }, "the first prompt prefilled alone");
  assert.deepEqual(shape[1], { prefill: 1, decode: 1 }, "the short prompt prefilled while the first one decoded");
  assert.equal(shape[2]!.prefill, 1, "the medium prompt prefilled after the short one, on its own");
});
