import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineCore, EngineRequest, qwen25_7b_h100, qwen25_7b_h200, type CostProfile, type FinishReason, type TokenOutput } from "@reviewlens/vllm-sim";
import { predictPlan, predictStage, type PlanStage } from "./latency-model.js";

class ExactLength implements TokenOutput {
  private emitted = 0;
  constructor(private readonly target: number) {}
  sample(): number {
    return 7;
  }
  accept(): FinishReason | null {
    return ++this.emitted >= this.target ? "stop" : null;
  }
}

/** The simulator's own engine in virtual time: prompts sent together, each with its output length; returns when the last finished and what each found cached. */
function runInEngine(profile: CostProfile, prompts: Array<{ tokens: number[]; output: number }>): { ms: number; cached: number[] } {
  const quiet = { onStep() {}, onPreemption() {}, onPrefixCacheQuery() {}, onFirstToken() {}, onInterTokenLatency() {}, onRequestFinished() {} };
  const engine = new EngineCore(
    { profile, kvCapacityTokens: profile.kvCapacityTokens, maxNumBatchedTokens: 8192, maxNumSeqs: 1024, blockSize: 16, policy: "fcfs", enablePrefixCaching: true, longPrefillTokenThreshold: 0 },
    quiet,
  );
  const requests = prompts.map((p, i) => new EngineRequest(`r${i}`, p.tokens, new ExactLength(p.output), { onProgress() {} }));
  for (const r of requests) engine.submit(r, 0);
  let now = 0;
  for (let duration = engine.beginStep(now); duration !== null; duration = engine.beginStep(now)) {
    now += duration;
    engine.endStep(now);
  }
  return { ms: Math.max(...requests.map((r) => r.finishedMs)), cached: requests.map((r) => r.numCachedPromptTokens) };
}

const ids = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);

describe("latency model", () => {
  for (const profile of [qwen25_7b_h100, qwen25_7b_h200]) {
    it(`predicts the simulator engine's time of a fan-out over one cached prompt and of one long answer (${profile.name})`, () => {
      // 20 copies of a 913-token prompt answering 14 tokens each, against the same prompt answering 290 tokens once.
      const prompt = ids(913, 1000);
      const fanOut = runInEngine(profile, Array.from({ length: 20 }, () => ({ tokens: prompt, output: 14 })));
      const single = runInEngine(profile, [{ tokens: prompt, output: 290 }]);
      const stage = (outputs: number[], cached: number[]): PlanStage => ({ name: "s", requests: outputs.map((o, i) => ({ promptTokens: prompt.length, cachedTokens: cached[i]!, outputTokens: o })) });
      const predictedFanOut = predictStage(stage(Array<number>(20).fill(14), fanOut.cached), profile);
      const predictedSingle = predictStage(stage([290], single.cached), profile);
      assert.ok(Math.abs(predictedFanOut.engineMs - fanOut.ms) < 1e-6 * fanOut.ms, `fan-out: model ${predictedFanOut.engineMs} ms, engine ${fanOut.ms} ms`);
      assert.ok(Math.abs(predictedSingle.engineMs - single.ms) < 1e-6 * single.ms, `single: model ${predictedSingle.engineMs} ms, engine ${single.ms} ms`);
      assert.equal(predictedFanOut.longestChain, 14, "a prefill step and 13 decode steps");
      assert.equal(predictedSingle.longestChain, 290);
      assert.ok(predictedFanOut.engineMs < predictedSingle.engineMs / 5);
    });
  }

  it("predicts prompts larger than one step's token budget, prefilled in chunks beside running decodes", () => {
    const prompts = [
      { tokens: ids(6000, 1), output: 40 },
      { tokens: ids(5000, 20_000), output: 5 },
      { tokens: ids(300, 40_000), output: 60 },
    ];
    const engine = runInEngine(qwen25_7b_h100, prompts);
    const predicted = predictStage({ name: "s", requests: prompts.map((p, i) => ({ promptTokens: p.tokens.length, cachedTokens: engine.cached[i]!, outputTokens: p.output })) }, qwen25_7b_h100);
    assert.ok(Math.abs(predicted.engineMs - engine.ms) < 1e-6 * engine.ms, `model ${predicted.engineMs} ms, engine ${engine.ms} ms`);
    assert.equal(predicted.prefillSteps, 2);
  });

  it("adds the stages of a plan one after another, with the overheads per stage, per request and per analysis", () => {
    const stage = { name: "s", requests: [{ promptTokens: 500, cachedTokens: 0, outputTokens: 20 }] };
    const overheads = { perStageMs: 10, perRequestMs: 2, perAnalysisMs: 5 };
    const one = predictPlan({ stages: [stage] }, qwen25_7b_h100, overheads);
    const two = predictPlan({ stages: [stage, { ...stage, name: "t", requests: [...stage.requests, ...stage.requests] }] }, qwen25_7b_h100, overheads);
    assert.equal(one.ms, one.engineMs + 17);
    assert.ok(two.engineMs > 2 * one.engineMs);
    assert.equal(two.ms, two.engineMs + 5 + 2 * 10 + 3 * 2);
    assert.deepEqual(two.stages.map((s) => s.name), ["s", "t"]);
  });
});
