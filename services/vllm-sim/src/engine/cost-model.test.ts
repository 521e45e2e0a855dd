import assert from "node:assert/strict";
import { test } from "node:test";
import { kernelDurationMs, overheadDurationMs, stepDurationMs } from "./cost-model.js";
import { qwen25_7b_h100, qwen25_7b_h200, VLLM_OVERHEAD } from "./profiles.js";

const decodeShape = (batch: number, context: number) => ({ decodeSeqs: batch, decodeContextTokens: batch * context, prefillTokens: 0, prefillAttention: 0 });

// Points measured on the GPUs (../shared/calibration/*.json): batch, context, ms.
test("the profiles' kernel terms match the H100 and H200 decode measurements", () => {
  for (const [profile, points, tolerance] of [
    [qwen25_7b_h100, [[1, 256, 5.5786], [64, 1024, 7.3196], [256, 1024, 12.4735], [1, 4096, 5.6891]], 0.03],
    [qwen25_7b_h200, [[1, 256, 4.301], [64, 1024, 5.4556], [256, 1024, 9.8352], [128, 4096, 11.5325]], 0.06],
  ] as const) {
    for (const [batch, context, ms] of points) {
      const model = kernelDurationMs(profile, decodeShape(batch, context));
      assert.ok(Math.abs(model / ms - 1) < tolerance, `${profile.name} batch ${batch} context ${context}: ${model} vs ${ms}`);
    }
  }
});

test("a long prefill's kernels are close to the measurement; the factor scales kernels, not vLLM's overhead", () => {
  const prefill = (n: number) => kernelDurationMs(qwen25_7b_h100, { decodeSeqs: 0, decodeContextTokens: 0, prefillTokens: n, prefillAttention: n * n });
  assert.ok(Math.abs(prefill(8192) / 192.8 - 1) < 0.03);
  const shape = { decodeSeqs: 10, decodeContextTokens: 5000, prefillTokens: 100, prefillAttention: 20_000 };
  const doubled = { ...qwen25_7b_h100, overheadFactor: 2 };
  assert.equal(stepDurationMs(doubled, shape), 2 * kernelDurationMs(qwen25_7b_h100, shape) + overheadDurationMs(qwen25_7b_h100, shape));
});

test("a step is its kernels plus per-step, per-sequence and per-context-token overhead, the same on both GPUs", () => {
  const shape = decodeShape(100, 500);
  const expected = VLLM_OVERHEAD.stepOverheadMs + 100 * VLLM_OVERHEAD.perDecodeSeqOverheadMs + 50_000 * VLLM_OVERHEAD.perContextTokenOverheadMs;
  for (const profile of [qwen25_7b_h100, qwen25_7b_h200]) {
    assert.ok(Math.abs(stepDurationMs(profile, shape) - kernelDurationMs(profile, shape) - expected) < 1e-9);
  }
  assert.ok(stepDurationMs(qwen25_7b_h200, shape) < stepDurationMs(qwen25_7b_h100, shape));
});
