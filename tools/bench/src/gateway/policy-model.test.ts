import assert from "node:assert/strict";
import { test } from "node:test";
import { qwen25_7b_h100, stepDurationMs } from "@reviewlens/vllm-sim";
import { H100_BACKEND, simulatePolicy, type ModelPolicy, type ModelRequest } from "./policy-model.js";

// One step of prefill budget (8,192 tokens), whether or not latency-sensitive requests arrive.
const gatewayPolicy = (shortPromptTokens: number): ModelPolicy => ({
  kind: "gateway",
  prefillBudgetSteps: 1,
  latencyBudgetSteps: 1,
  shortPromptTokens,
  sjfGranularityTokens: 1,
  backendPriority: false,
});

test("one request alone: TTFT is its prefill step plus the two hops, then one decode step per token", () => {
  const [result] = simulatePolicy([{ arrivalMs: 5, promptTokens: 1_000, outputTokens: 3, priority: "standard" }], { kind: "fcfs" });
  const prefill = stepDurationMs(qwen25_7b_h100, { decodeSeqs: 0, decodeContextTokens: 0, prefillTokens: 1_000, prefillAttention: 1_000 * 1_000 });
  const decode = (context: number) => stepDurationMs(qwen25_7b_h100, { decodeSeqs: 1, decodeContextTokens: context, prefillTokens: 0, prefillAttention: 0 });
  const hops = 2 * H100_BACKEND.hopMs;
  assert.ok(Math.abs(result!.ttftMs - (prefill + hops)) < 1e-6, `TTFT ${result!.ttftMs}`);
  // The context a decode step attends to: the prompt and the tokens so far (the new one included).
  const expectedEnd = 5 + hops + prefill + decode(1_001) + decode(1_002);
  assert.ok(Math.abs(result!.finishedMs - expectedEnd) < 1e-6, `finished at ${result!.finishedMs}, expected ${expectedEnd}`);
});

test("through the modelled gateway a short prompt passes a prefill budget that a large prompt fills; a longer one waits", () => {
  const workload: ModelRequest[] = [
    // Above the one-step budget on its own: nothing but a short prompt may join it.
    { arrivalMs: 0, promptTokens: 9_000, outputTokens: 4, priority: "standard" },
    { arrivalMs: 10, promptTokens: 100, outputTokens: 4, priority: "standard" },
    { arrivalMs: 10, promptTokens: 2_000, outputTokens: 4, priority: "standard" },
  ];
  const [large, short, medium] = simulatePolicy(workload, gatewayPolicy(512));
  // Arrival times differ by 10 ms: a first token in the same step as the large one's means TTFT + 10 = the large one's.
  assert.ok(short!.ttftMs + 10 <= large!.ttftMs + 1e-6, `short ${short!.ttftMs} ms, large ${large!.ttftMs} ms: it joined the large one's last chunk`);
  assert.ok(medium!.ttftMs + 10 > large!.ttftMs, "the medium prompt is dispatched only after the large one's first token");
  const [largeOff, shortOff] = simulatePolicy(workload, gatewayPolicy(0));
  assert.ok(shortOff!.ttftMs + 10 > largeOff!.ttftMs, "without the rule the short prompt waits for the budget too");
});

test("every request of a mixed workload finishes under every policy, none before its first token", () => {
  const workload: ModelRequest[] = Array.from({ length: 60 }, (_, i) => ({
    arrivalMs: i * 15,
    promptTokens: i % 5 === 0 ? 3_000 : 200,
    outputTokens: 16,
    priority: i % 7 === 0 ? "interactive" : i % 3 === 0 ? "batch" : "standard",
  }));
  for (const policy of [{ kind: "fcfs" } as const, gatewayPolicy(512), { ...gatewayPolicy(512), backendPriority: true }]) {
    const results = simulatePolicy(workload, policy);
    results.forEach((r, i) => {
      assert.ok(Number.isFinite(r.ttftMs) && r.ttftMs > 0, `request ${i} has a first token`);
      assert.ok(r.finishedMs >= workload[i]!.arrivalMs + r.ttftMs, `request ${i} ends after its first token`);
    });
  }
});
