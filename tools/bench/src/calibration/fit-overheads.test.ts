// The fitted profiles against the published vLLM runs, replayed through the simulator's engine in
// virtual time (no processes, no wall clock), and the fit itself on references whose answer is known.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { qwen25_7b_h100, qwen25_7b_h200, VLLM_OVERHEAD } from "@reviewlens/vllm-sim";
import { fitOverheads, ReferenceReplays, withinTolerance } from "./fit-overheads.js";
import { loadReferenceSet, parseReferenceSet, type ReferencePoint } from "./reference-points.js";
import { referenceWorkload, replayInEngine } from "./engine-replay.js";

const set = loadReferenceSet();

describe("the qwen2.5-7b-h100 profile against the published H100 runs", () => {
  const comparisons = new ReferenceReplays(set.points, set.simulatedEngine).compare(qwen25_7b_h100);

  it("holds at least five published points, each with its source address", () => {
    assert.ok(set.points.length >= 5);
    for (const p of set.points) assert.match(p.source.url, /^https:\/\/github\.com\/vllm-project\/vllm\/pull\/\d+$/);
  });

  it("reproduces every point it must meet within 20% on output throughput and TPOT", () => {
    const mustMeet = comparisons.filter((c) => c.point.mustMeet);
    assert.ok(mustMeet.length >= 4);
    for (const c of mustMeet) assert.ok(withinTolerance(c), `${c.point.id}: throughput x${c.throughputRatio.toFixed(2)}, TPOT x${c.tpotRatio.toFixed(2)}`);
  });

  it("is faster than the point it does not meet, as that point's reason says (an older engine)", () => {
    for (const c of comparisons.filter((x) => !x.point.mustMeet)) assert.ok(c.tpotRatio < 0.8, `${c.point.id}: TPOT x${c.tpotRatio.toFixed(2)}`);
  });
});

it("the H200 profile has the same vLLM overhead on its own kernels and serves the same ShareGPT run faster", () => {
  for (const key of Object.keys(VLLM_OVERHEAD) as Array<keyof typeof VLLM_OVERHEAD>) assert.equal(qwen25_7b_h200[key], qwen25_7b_h100[key]);
  const workload = referenceWorkload(set.points[0]!.workload);
  const h100 = replayInEngine(qwen25_7b_h100, set.simulatedEngine, workload);
  const h200 = replayInEngine(qwen25_7b_h200, set.simulatedEngine, workload);
  assert.ok(h200.outputTokPerS > h100.outputTokPerS && h200.meanTpotMs < h100.meanTpotMs);
});

it("the fit recovers overhead terms from references a known profile produced", () => {
  const truth = { stepOverheadMs: 3, perDecodeSeqOverheadMs: 0.02, perContextTokenOverheadMs: 2e-5 };
  const kernels = { ...qwen25_7b_h100, stepOverheadMs: 0, perDecodeSeqOverheadMs: 0, perContextTokenOverheadMs: 0 };
  const template = (id: string, workload: ReferencePoint["workload"]): ReferencePoint => ({ ...set.points[0]!, id, workload, mustMeet: true, compareTpot: "mean" });
  const points = [
    template("chat-burst", { dataset: "sharegpt", numPrompts: 120, requestRate: null, totalInputTokens: 120 * 215, totalOutputTokens: 120 * 100 }),
    template("long-prompts", { dataset: "fixed", numPrompts: 40, requestRate: 8, inputLen: 1500, outputLen: 100, totalInputTokens: 60_000, totalOutputTokens: 4000 }),
    template("small-batch", { dataset: "fixed", numPrompts: 20, requestRate: 2, inputLen: 100, outputLen: 150, totalInputTokens: 2000, totalOutputTokens: 3000 }),
  ];
  const measure = new ReferenceReplays(points, set.simulatedEngine).compare({ ...kernels, ...truth });
  const references = measure.map((c) => ({ ...c.point, reported: { ...c.point.reported, outputTokPerS: c.sim.outputTokPerS, meanTpotMs: c.sim.meanTpotMs } }));
  const replays = new ReferenceReplays(references, set.simulatedEngine);
  const fit = fitOverheads(kernels, replays, { resolution: 1 / 64 });
  assert.ok(fit.worstLogRatio < 0.02, `worst log ratio ${fit.worstLogRatio}`);
  assert.ok(Math.abs(fit.terms.stepOverheadMs - truth.stepOverheadMs) < 0.5, JSON.stringify(fit.terms));
});

it("a reference file with a point of unknown GPU, no address or an unexplained miss is refused by name", () => {
  const good = JSON.parse(JSON.stringify(set)) as { points: Array<Record<string, unknown>> };
  const broken = (edit: (p: Record<string, unknown>) => void) => {
    const copy = JSON.parse(JSON.stringify(good)) as typeof good;
    edit(copy.points[0]!);
    return () => parseReferenceSet(copy);
  };
  assert.throws(broken((p) => (p["gpu"] = "1x A100")), /points\[0\]\.gpu/);
  assert.throws(broken((p) => ((p["source"] as Record<string, string>)["url"] = "")), /points\[0\]\.source\.url/);
  assert.throws(broken((p) => ((p["mustMeet"] = false), delete p["whyNot"])), /whyNot/);
  assert.throws(broken((p) => ((p["reported"] as Record<string, number>)["meanTpotMs"] = -1)), /meanTpotMs/);
});
