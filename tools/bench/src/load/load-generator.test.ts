// The load generator's distributions match their parameters, and its arithmetic matches numpy's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { interArrivalTimes } from "./arrival-process.js";
import { computeMetrics, tpotOf } from "./bench-metrics.js";
import { parseGoodput } from "./goodput.js";
import { mean, percentile, std } from "./percentiles.js";
import { lengthRange, sampleLengths } from "./random-dataset.js";
import { RandomSource } from "./random-source.js";
import { expectedRequests, profileArrivals, rateAt, toInterArrival } from "./load-profile.js";
import type { RequestOutput } from "./request-output.js";

const variance = (xs: number[]) => std(xs) ** 2;
const close = (actual: number, expected: number, relative: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: ${actual} is not within ${relative * 100}% of ${expected}`);

describe("arrivals", () => {
  it("Poisson at rate r: exponential gaps with mean 1/r and variance 1/r^2", () => {
    const gaps = interArrivalTimes(20_000, { requestRate: 4, burstiness: 1 }, new RandomSource(7));
    close(mean(gaps), 0.25, 0.03, "mean gap");
    close(variance(gaps), 0.0625, 0.06, "gap variance");
  });

  it("gamma with burstiness b keeps the mean 1/r and has variance 1/(r^2 b)", () => {
    for (const b of [0.25, 4]) {
      const gaps = interArrivalTimes(20_000, { requestRate: 2, burstiness: b }, new RandomSource(11));
      close(mean(gaps), 0.5, 0.04, `mean gap at burstiness ${b}`);
      close(variance(gaps), 1 / (4 * b), 0.08, `gap variance at burstiness ${b}`);
    }
  });

  it("an infinite rate sends everything at once, and a seed repeats the same run", () => {
    assert.deepEqual(interArrivalTimes(3, { requestRate: Infinity, burstiness: 1 }, new RandomSource(1)), [0, 0, 0]);
    const a = interArrivalTimes(50, { requestRate: 3, burstiness: 0.5 }, new RandomSource(5));
    const b = interArrivalTimes(50, { requestRate: 3, burstiness: 0.5 }, new RandomSource(5));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, interArrivalTimes(50, { requestRate: 3, burstiness: 0.5 }, new RandomSource(6)));
  });
});

describe("random lengths", () => {
  it("are uniform over [len(1-r), len(1+r)]: bounds, mean and variance", () => {
    const lengths = sampleLengths({ numPrompts: 20_000, inputLen: 1000, outputLen: 200, rangeRatio: 0.5, prefixLen: 0 }, new RandomSource(3));
    const inputs = lengths.map((l) => l.input);
    const outputs = lengths.map((l) => l.output);
    assert.equal(Math.min(...inputs), 500);
    assert.equal(Math.max(...inputs), 1500);
    assert.ok(Math.min(...outputs) >= 100 && Math.max(...outputs) <= 300);
    close(mean(inputs), 1000, 0.01, "mean input");
    // discrete uniform on n = 1001 values: (n^2 - 1) / 12
    close(variance(inputs), (1001 ** 2 - 1) / 12, 0.04, "input variance");
    close(mean(outputs), 200, 0.01, "mean output");
  });

  it("range ratio 0 gives fixed lengths, and a ratio outside [0, 1) is refused", () => {
    const lengths = sampleLengths({ numPrompts: 10, inputLen: 64, outputLen: 8, rangeRatio: 0, prefixLen: 0 }, new RandomSource(1));
    assert.ok(lengths.every((l) => l.input === 64 && l.output === 8));
    assert.throws(() => lengthRange(10, 1), /range-ratio/);
  });
});

describe("percentiles like numpy", () => {
  it("interpolate linearly between ranks", () => {
    const xs = [15, 20, 35, 40, 50];
    // numpy.percentile(xs, 40) = 29.0; p90 = 46.0; p50 = 35; p99 = 49.6
    assert.equal(percentile(xs, 40), 29);
    assert.equal(percentile(xs, 50), 35);
    assert.ok(Math.abs(percentile(xs, 90) - 46) < 1e-9);
    assert.ok(Math.abs(percentile(xs, 99) - 49.6) < 1e-9);
    assert.equal(percentile([], 99), 0);
    // population standard deviation: sqrt(166) for these five values
    assert.ok(Math.abs(std(xs) - Math.sqrt(166)) < 1e-9);
  });
});

const output = (ttft: number, latency: number, outputTokens: number, itl: number[] = []): RequestOutput => ({
  success: true, error: "", generatedText: "", promptLen: 100, outputTokens, ttft, itl, latency, startTime: 0,
});

describe("vllm bench serve metrics", () => {
  it("computes throughput, TPOT and goodput as vLLM does", () => {
    const outputs = [output(0.1, 1.1, 11, [0.1, 0.1]), output(0.5, 2.5, 5), output(0.2, 0.2, 1), { ...output(0, 0, 0), success: false, error: "boom" }];
    assert.ok(Math.abs(tpotOf(outputs[0]!) - 0.1) < 1e-12);
    assert.equal(tpotOf(outputs[2]!), 0);
    const m = computeMetrics(outputs, { durationS: 2, goodput: parseGoodput(["ttft:300", "tpot:200"]), percentileMetrics: ["ttft", "tpot", "itl"], percentiles: [99] });
    assert.equal(m["completed"], 3);
    assert.equal(m["failed"], 1);
    assert.equal(m["total_input_tokens"], 300);
    assert.equal(m["total_output_tokens"], 17);
    assert.equal(m["request_throughput"], 1.5);
    assert.equal(m["output_throughput"], 8.5);
    assert.equal(m["total_token_throughput"], 158.5);
    // good: the first (ttft 100 ms, tpot 100 ms) and the third (ttft 200 ms, tpot 0); the second misses ttft
    assert.equal(m["request_goodput"], 1);
    assert.ok(Math.abs(m["mean_ttft_ms"]! - 800 / 3) < 1e-9);
    assert.ok(Math.abs(m["median_tpot_ms"]! - 300) < 1e-9, "tpots of requests with more than one token: 100 and 500");
    assert.ok(Math.abs(m["p99_itl_ms"]! - 100) < 1e-9);
  });

  it("request_goodput is null without --goodput, and bad SLO specs are refused", () => {
    assert.equal(computeMetrics([output(1, 2, 3)], { durationS: 1, percentileMetrics: [], percentiles: [] })["request_goodput"], null);
    assert.throws(() => parseGoodput(["ttft"]), /KEY:MILLISECONDS/);
    assert.throws(() => parseGoodput(["queue:5"]), /unknown metric/);
    assert.throws(() => parseGoodput(["ttft:-1"]), /non-negative/);
  });
});

describe("load profile", () => {
  const phases = [
    { name: "ramp up", durationS: 100, fromRate: 0, toRate: 10 },
    { name: "plateau", durationS: 100, fromRate: 10, toRate: 10 },
    { name: "idle", durationS: 100, fromRate: 0, toRate: 0 },
  ];

  it("draws as many arrivals per phase as the rate integrates to", () => {
    const arrivals = profileArrivals(phases, new RandomSource(9));
    const inPhase = (from: number, to: number) => arrivals.filter((t) => t >= from && t < to).length;
    assert.equal(expectedRequests(phases), 1500);
    close(inPhase(0, 100), 500, 0.1, "ramp-up arrivals");
    close(inPhase(100, 200), 1000, 0.08, "plateau arrivals");
    assert.equal(inPhase(200, 300), 0, "idle has none");
    close(inPhase(50, 100), 375, 0.12, "the ramp's second half carries 3/4 of it");
    assert.equal(rateAt(phases, 50), 5);
    assert.deepEqual(toInterArrival([1, 3, 6]), [1, 2, 3]);
  });
});
