// Admission through a real gateway in front of a real, slowed-down vllm-sim: a prompt larger than
// the short-prompt threshold waits in the gateway while the prefill budget is full; a short one
// goes to the backend at once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "@reviewlens/testkit";
import { llmRequest, useSingleSimStack, words } from "./gateway-harness.js";

const stack = useSingleSimStack("gateway_admission", ["--time-scale", "40"], {
  GATEWAY_MAX_NUM_BATCHED_TOKENS: "256",
  GATEWAY_PREFILL_BUDGET_STEPS: "1",
  GATEWAY_INTERACTIVE_PREFILL_BUDGET_STEPS: "1",
  GATEWAY_SHORT_PROMPT_TOKENS: "48",
  // Exact shortest-first, so the short prompt is not queued first-come behind the medium one.
  GATEWAY_SJF_GRANULARITY_TOKENS: "1",
  GATEWAY_TOKENIZE: "true",
});

const queueDepth = async () => (await stack.gateway.client.getStatus({})).queues.reduce((n, q) => n + q.depth, 0);

test("a short prompt goes ahead while the prefill budget is full; a longer one waits for it", async () => {
  // 300 prompt tokens: more than the 256-token budget on its own.
  const first = stack.gateway.client.complete({ request: llmRequest(words(150, "a")) });
  await waitFor(async () => (await stack.gateway.metric("gateway_requests_in_flight")) === 1 || undefined, "the first prompt in flight");
  const medium = stack.gateway.client.complete({ request: llmRequest(words(60, "b")) });
  await waitFor(async () => (await queueDepth()) === 1 || undefined, "the medium prompt queued");
  const short = await stack.gateway.client.complete({ request: llmRequest("a short question") });
  assert.ok(short.usage!.promptTokens <= 48, `the short prompt has ${short.usage!.promptTokens} tokens`);
  assert.ok(short.timings!.queueMs < 100, `the short prompt waited ${short.timings!.queueMs} ms in the gateway`);
  const [firstDone, mediumDone] = await Promise.all([first, medium]);
  assert.ok(mediumDone.usage!.promptTokens > 48);
  // It waited for the first prompt's prefill: at least a step (6 ms virtual, 240 ms wall).
  assert.ok(mediumDone.timings!.queueMs > 200, `the medium prompt waited only ${mediumDone.timings!.queueMs} ms`);
  assert.ok(firstDone.timings!.queueMs < 100);
  assert.equal(await queueDepth(), 0);
});
