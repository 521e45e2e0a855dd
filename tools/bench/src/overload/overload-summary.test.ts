import assert from "node:assert/strict";
import { test } from "node:test";
import type { RequestOutput } from "../load/request-output.js";
import { summariseOverload } from "./overload-summary.js";

const base: RequestOutput = { success: true, error: "", generatedText: "x", promptLen: 10, outputTokens: 4, ttft: 0.5, itl: [], latency: 1, startTime: 0 };
const admitted = (ttft: number): RequestOutput => ({ ...base, ttft });
const refused = (status: string, failedAfter: number, retryAfterMs?: number): RequestOutput => ({
  ...base,
  success: false,
  error: "busy",
  ttft: 0,
  status,
  failedAfter,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

test("refusals (RESOURCE_EXHAUSTED, 429) are counted apart from other failures, with their speed and retry delays", () => {
  const s = summariseOverload(
    [admitted(0.2), admitted(2.5), refused("RESOURCE_EXHAUSTED", 0.004, 300), refused("HTTP 429", 0.002, 1000), refused("HTTP 429", 0.003), { ...base, success: false, error: "socket hang up", ttft: 0 }],
    2000,
    2,
  );
  assert.equal(s.sent, 6);
  assert.equal(s.admitted, 2);
  assert.deepEqual(s.refused, { RESOURCE_EXHAUSTED: 1, "HTTP 429": 2 });
  assert.deepEqual(s.failed, { "socket hang up": 1 });
  assert.equal(s.refusalMs.max, 4);
  assert.deepEqual([s.retryAfterMs.min, s.retryAfterMs.max, s.retryAfterMs.missing, s.retryAfterMs.distinct], [300, 1000, 1, 2]);
  assert.equal(s.admittedWithinSlo, 0.5, "one of the two admitted had its first token within 2 s");
  assert.equal(s.admittedTtftMs.max, 2500);
  assert.equal(s.admittedPerSecond, 1);
});

test("nothing admitted: the SLO share is vacuous and the spreads are zero", () => {
  const s = summariseOverload([refused("RESOURCE_EXHAUSTED", 0.001, 100)], 2000, 1);
  assert.equal(s.admittedWithinSlo, 1);
  assert.deepEqual(s.admittedTtftMs, { p50: 0, p95: 0, max: 0 });
});
