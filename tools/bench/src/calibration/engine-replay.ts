// Replays a benchmark workload through the simulator's own engine in virtual time (no HTTP, no
// timers): requests arrive as `vllm bench serve` sends them, every output runs to its sampled
// length, and the figures are computed as vLLM's benchmark computes them.
import { EngineCore, EngineRequest, type CostProfile, type EngineObserver, type FinishReason, type TokenOutput } from "@reviewlens/vllm-sim";
import { RandomSource } from "../load/random-source.js";
import { sampleShareGptLengths, shareGptShape, type RequestLengths } from "../load/sharegpt-lengths.js";
import type { ReferenceWorkload, SimulatedEngine } from "./reference-points.js";

export interface ReplayResult {
  requests: number;
  outputTokens: number;
  durationS: number;
  outputTokPerS: number;
  meanTpotMs: number;
  medianTpotMs: number;
  meanItlMs: number;
  meanTtftMs: number;
  /** Mean running sequences over the engine's steps. */
  meanBatch: number;
}

export interface ReplayWorkload {
  lengths: RequestLengths[];
  /** Send times in ms from the start, ascending. */
  arrivalsMs: number[];
  maxConcurrency?: number;
}

/** The reference's workload: ShareGPT-shaped lengths with its mean prompt and output, or fixed lengths; Poisson or all at once. */
export function referenceWorkload(w: ReferenceWorkload, seed = 0): ReplayWorkload {
  const random = new RandomSource(seed);
  const lengths =
    w.dataset === "sharegpt"
      ? sampleShareGptLengths(w.numPrompts, random, shareGptShape(w.totalInputTokens / w.numPrompts, w.totalOutputTokens / w.numPrompts))
      : Array.from({ length: w.numPrompts }, () => ({ input: w.inputLen, output: w.outputLen }));
  return { lengths, arrivalsMs: poissonArrivalsMs(w.numPrompts, w.requestRate, new RandomSource(seed + 1)) };
}

/** As vLLM's benchmark: the first request at 0, then exponential gaps (all at 0 when the rate is infinite). */
export function poissonArrivalsMs(n: number, ratePerS: number | null, random: RandomSource): number[] {
  let t = 0;
  return Array.from({ length: n }, (_, i) => {
    if (i > 0 && ratePerS !== null) t += (-Math.log(1 - random.uniform()) / ratePerS) * 1000;
    return t;
  });
}

class ExactLength implements TokenOutput {
  private emitted = 0;
  constructor(private readonly target: number) {}
  sample(): number {
    return 100 + (this.emitted % 1000);
  }
  accept(): FinishReason | null {
    return ++this.emitted >= this.target ? "length" : null;
  }
}

const QUIET: RequestListenerLike = { onProgress: () => undefined };
interface RequestListenerLike {
  onProgress(request: EngineRequest): void;
}

export function replayInEngine(profile: CostProfile, engine: SimulatedEngine, workload: ReplayWorkload): ReplayResult {
  const { lengths, arrivalsMs } = workload;
  const n = lengths.length;
  const maxConcurrency = workload.maxConcurrency ?? Infinity;
  let finished = 0;
  let steps = 0;
  let runningSum = 0;
  const observer: EngineObserver = {
    onStep: (s) => {
      steps++;
      runningSum += s.decodeSeqs + s.prefillSeqs;
    },
    onPreemption: () => undefined,
    onPrefixCacheQuery: () => undefined,
    onFirstToken: () => undefined,
    onInterTokenLatency: () => undefined,
    onRequestFinished: () => void finished++,
  };
  const core = new EngineCore(
    { profile, kvCapacityTokens: profile.kvCapacityTokens, maxNumSeqs: engine.maxNumSeqs, maxNumBatchedTokens: engine.maxNumBatchedTokens, blockSize: 16, policy: "fcfs", enablePrefixCaching: engine.enablePrefixCaching, longPrefillTokenThreshold: 0, stepLogCapacity: 16 },
    observer,
  );
  const requests = lengths.map(({ input, output }, i) => {
    // Distinct token ids per request, so no two prompts share a cached block.
    const prompt = Array.from({ length: input }, (_, j) => 1 + ((i * 104_729 + j) % 150_000));
    return new EngineRequest(String(i), prompt, new ExactLength(output), QUIET);
  });
  let now = 0;
  let next = 0;
  while (finished < n) {
    while (next < n && arrivalsMs[next]! <= now && next - finished < maxConcurrency) core.submit(requests[next++]!, now);
    const duration = core.beginStep(now);
    if (duration === null) {
      if (next >= n) throw new Error("replay: the engine stopped with requests unfinished");
      now = Math.max(now, arrivalsMs[next]!);
      continue;
    }
    now += duration;
    core.endStep(now);
  }
  const tpots: number[] = [];
  let outputTokens = 0;
  let decodeMs = 0;
  let gaps = 0;
  let ttftSum = 0;
  requests.forEach((r, i) => {
    outputTokens += r.numOutput;
    ttftSum += r.firstTokenMs - arrivalsMs[i]!;
    if (r.numOutput > 1) {
      tpots.push((r.finishedMs - r.firstTokenMs) / (r.numOutput - 1));
      decodeMs += r.finishedMs - r.firstTokenMs;
      gaps += r.numOutput - 1;
    }
  });
  const durationS = Math.max(...requests.map((r) => r.finishedMs)) / 1000;
  tpots.sort((a, b) => a - b);
  return {
    requests: n,
    outputTokens,
    durationS,
    outputTokPerS: outputTokens / durationS,
    meanTpotMs: tpots.reduce((a, b) => a + b, 0) / Math.max(1, tpots.length),
    medianTpotMs: tpots[Math.floor(tpots.length / 2)] ?? Number.NaN,
    meanItlMs: decodeMs / Math.max(1, gaps),
    meanTtftMs: ttftSum / n,
    meanBatch: runningSum / Math.max(1, steps),
  };
}
