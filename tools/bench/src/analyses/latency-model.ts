// Predicts how long an analysis takes from its prompt plan, with the simulator profile's cost model:
// the requests of a stage are sent together and run as vLLM V1 runs them (one token budget per step,
// running requests first, chunked prefill of what the prefix cache does not serve, a prompt's first
// token sampled at the end of its last prefill step, then one token a step); a stage starts when the
// one before it has ended. What happens outside the engine (gRPC, HTTP, the services' own work) is a
// constant per stage and per analysis, fitted to measurements (fit-overheads in plan-experiment.ts).
import { stepDurationMs, type CostProfile, type StepShape } from "@reviewlens/vllm-sim";

/** One LLM request of a plan. */
export interface PlannedRequest {
  promptTokens: number;
  /** Of promptTokens, served by the prefix cache (vLLM reports it as cached_tokens). */
  cachedTokens: number;
  /** Output tokens, EOS included (vLLM's completion_tokens). */
  outputTokens: number;
}

/** Requests sent together. */
export interface PlanStage {
  name: string;
  requests: PlannedRequest[];
}

/** Stages one after another: each waits for the whole of the one before it. */
export interface PromptPlan {
  stages: PlanStage[];
}

export interface EngineSettings {
  /** vLLM's max_num_batched_tokens (the simulator's default). */
  maxNumBatchedTokens: number;
}

export const DEFAULT_ENGINE: EngineSettings = { maxNumBatchedTokens: 8192 };

/** Wall time outside the engine, in ms. */
export interface Overheads {
  /** Per stage: the service -> gateway -> engine round trip. */
  perStageMs: number;
  /** Per request: what the service, the gateway and the server's API process spend on each (tokenising, parsing, validating), one after another. */
  perRequestMs: number;
  /** Per analysis: loading the context, the steps that need no LLM, the RPC to the service. */
  perAnalysisMs: number;
}

export const NO_OVERHEADS: Overheads = { perStageMs: 0, perRequestMs: 0, perAnalysisMs: 0 };

export interface StagePrediction {
  name: string;
  engineMs: number;
  steps: number;
  /** Steps that computed prompt tokens. */
  prefillSteps: number;
  /** The most steps any one request ran (its prefill and decode): the stage's chain. */
  longestChain: number;
  computedPromptTokens: number;
  outputTokens: number;
}

export interface PlanPrediction {
  ms: number;
  engineMs: number;
  stages: StagePrediction[];
}

interface Sequence {
  prompt: number;
  output: number;
  computed: number;
  generated: number;
  scheduledSteps: number;
}

/** Engine time of requests that arrive together at an idle engine. */
export function predictStage(stage: PlanStage, profile: CostProfile, engine: EngineSettings = DEFAULT_ENGINE): StagePrediction {
  const waiting: Sequence[] = stage.requests.map((r) => ({ prompt: r.promptTokens, output: Math.max(1, r.outputTokens), computed: Math.min(r.cachedTokens, r.promptTokens - 1), generated: 0, scheduledSteps: 0 }));
  const running: Sequence[] = [];
  const shape: StepShape = { decodeSeqs: 0, decodeContextTokens: 0, prefillTokens: 0, prefillAttention: 0 };
  let engineMs = 0;
  let steps = 0;
  let prefillSteps = 0;
  let longestChain = 0;
  while (running.length > 0 || waiting.length > 0) {
    let budget = engine.maxNumBatchedTokens;
    shape.decodeSeqs = 0;
    shape.decodeContextTokens = 0;
    shape.prefillTokens = 0;
    shape.prefillAttention = 0;
    const planned: Array<{ s: Sequence; n: number }> = [];
    const plan = (s: Sequence) => {
      const prefilling = s.computed < s.prompt;
      const n = prefilling ? Math.min(s.prompt - s.computed, budget) : 1;
      if (prefilling) {
        shape.prefillTokens += n;
        shape.prefillAttention += n * (s.computed + n);
      } else {
        shape.decodeSeqs++;
        // The token sampled last is computed now, over the prompt and every output before it.
        shape.decodeContextTokens += s.prompt + s.generated;
      }
      budget -= n;
      planned.push({ s, n });
    };
    for (const s of running) if (budget > 0) plan(s);
    while (budget > 0 && waiting.length > 0) {
      const s = waiting.shift()!;
      running.push(s);
      plan(s);
    }
    engineMs += stepDurationMs(profile, shape);
    steps++;
    if (shape.prefillTokens > 0) prefillSteps++;
    for (const { s, n } of planned) {
      s.scheduledSteps++;
      if (s.computed < s.prompt) {
        s.computed += n;
        if (s.computed === s.prompt) s.generated = 1;
      } else s.generated++;
    }
    for (let i = running.length - 1; i >= 0; i--) {
      const s = running[i]!;
      if (s.generated >= s.output) {
        longestChain = Math.max(longestChain, s.scheduledSteps);
        running.splice(i, 1);
      }
    }
  }
  return {
    name: stage.name,
    engineMs,
    steps,
    prefillSteps,
    longestChain,
    computedPromptTokens: stage.requests.reduce((n, r) => n + r.promptTokens - r.cachedTokens, 0),
    outputTokens: stage.requests.reduce((n, r) => n + r.outputTokens, 0),
  };
}

export function predictPlan(plan: PromptPlan, profile: CostProfile, overheads: Overheads = NO_OVERHEADS, engine: EngineSettings = DEFAULT_ENGINE): PlanPrediction {
  const stages = plan.stages.map((stage) => predictStage(stage, profile, engine));
  const engineMs = stages.reduce((n, s) => n + s.engineMs, 0);
  const requests = plan.stages.reduce((n, s) => n + s.requests.length, 0);
  return { ms: engineMs + overheads.perAnalysisMs + stages.length * overheads.perStageMs + requests * overheads.perRequestMs, engineMs, stages };
}
