import assert from "node:assert/strict";
import { test } from "node:test";
import { stepDurationMs } from "./cost-model.js";
import { qwen25_7b_h100 } from "./profiles.js";

const raw = { ...qwen25_7b_h100, overheadFactor: 1 };
const decode = (batch: number, context: number) => stepDurationMs(raw, { decodeSeqs: batch, decodeContextTokens: batch * context, prefillTokens: 0, prefillAttention: 0 });

// Points measured on the H100 (calibration/h100-qwen2.5-7b.json): batch, context, ms.
test("decode steps match the H100 measurements within 3%", () => {
  for (const [batch, context, ms] of [
    [1, 256, 5.5786],
    [64, 1024, 7.3196],
    [256, 1024, 12.4735],
    [1, 4096, 5.6891],
  ] as const) {
    const model = decode(batch, context);
    assert.ok(Math.abs(model / ms - 1) < 0.03, `batch ${batch} context ${context}: ${model} vs ${ms}`);
  }
});

test("a long prefill is close to the measurement; the overhead factor scales the whole step", () => {
  const prefill = (n: number) => stepDurationMs(raw, { decodeSeqs: 0, decodeContextTokens: 0, prefillTokens: n, prefillAttention: n * n });
  assert.ok(Math.abs(prefill(8192) / 192.8 - 1) < 0.03);
  const shape = { decodeSeqs: 10, decodeContextTokens: 5000, prefillTokens: 100, prefillAttention: 20_000 };
  assert.equal(stepDurationMs({ ...raw, overheadFactor: 1.5 }, shape), 1.5 * stepDurationMs(raw, shape));
});
