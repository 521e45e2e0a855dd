import assert from "node:assert/strict";
import { test } from "node:test";
import type { RequestOutput } from "../load/request-output.js";
import { gatewayTimingsIn, servedIn, ttftPercentile, unfinishedIn } from "./fairness-figures.js";
import { parseArms } from "./fairness-report.js";

const output = (startTime: number, ttft: number, latency: number, success = true): RequestOutput => ({
  success,
  error: success ? "" : "aborted",
  generatedText: "",
  promptLen: 100,
  outputTokens: success ? 50 : 0,
  ttft,
  itl: [],
  latency,
  startTime,
});

test("tokens served count the requests completed within the window, prompt plus output", () => {
  const outputs = [output(0, 0.1, 5), output(8, 0.1, 1), output(9, 0.1, 5), output(12, 0, 0, false)];
  assert.deepEqual(servedIn(outputs, { from: 4, to: 10 }), { requests: 2, tokens: 300, tokensPerS: 50 });
});

test("TTFT percentiles count unfinished requests as waiting until the cut-off, and say when that bounds the result", () => {
  const done = Array.from({ length: 19 }, (_, i) => output(10, 0.1 + i * 0.01, 1));
  const exact = ttftPercentile([...done, output(10, 0, 0, false)], 50, { from: 0, to: 20 }, 30);
  assert.deepEqual(exact, { ms: 195, lowerBound: false });
  const bounded = ttftPercentile([...done.slice(0, 10), ...Array.from({ length: 10 }, () => output(10, 0, 0, false))], 95, { from: 0, to: 20 }, 30);
  assert.deepEqual(bounded, { ms: 20_000, lowerBound: true });
  assert.equal(unfinishedIn([output(5, 0, 0, false), output(25, 0, 0, false)], { from: 0, to: 20 }), 1);
});

test("the gateway's timings count the completed requests sent within the window, in ms", () => {
  const timed = (startTime: number, queue: number, ttft: number) => ({ ...output(startTime, ttft + 0.01, 1), serverTimings: { queue, ttft } });
  const outputs = [timed(1, 0.001, 0.02), timed(2, 0.003, 0.04), timed(30, 5, 6), output(3, 0, 0, false), output(4, 0.05, 1)];
  assert.deepEqual(gatewayTimingsIn(outputs, { from: 0, to: 20 }), { queue: { p50: 2, p95: 2.9 }, ttft: { p50: 30, p95: 39 } });
  assert.deepEqual(gatewayTimingsIn([], { from: 0, to: 20 }), { queue: { p50: 0, p95: 0 }, ttft: { p50: 0, p95: 0 } });
});

test("--arms picks arms in the benchmark's order, and names the known ones when given another", () => {
  assert.deepEqual(parseArms("floor, vtc"), ["vtc", "floor"]);
  assert.equal(parseArms("all").length, 6);
  assert.throws(() => parseArms("vtc,fifo"), /unknown arm "fifo"; known: alone, vtc, headroom, floor, fcfs, weighted/);
});
