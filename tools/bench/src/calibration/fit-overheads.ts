// Fits vLLM's CPU-side terms (per step, per decoding sequence, per context token) on top of the
// measured kernels so the simulator's replays of the published runs land on their figures: a
// compass search on the squared log-ratios over the points the profile must meet, every term kept
// at zero or above (the kernels are the floor).
import type { CostProfile } from "@reviewlens/vllm-sim";
import { referenceWorkload, replayInEngine, type ReplayResult, type ReplayWorkload } from "./engine-replay.js";
import { referenceTpotMs, type ReferencePoint, type SimulatedEngine } from "./reference-points.js";

export interface OverheadTerms {
  stepOverheadMs: number;
  perDecodeSeqOverheadMs: number;
  perContextTokenOverheadMs: number;
}

const TERMS = ["stepOverheadMs", "perDecodeSeqOverheadMs", "perContextTokenOverheadMs"] as const;

export interface Comparison {
  point: ReferencePoint;
  sim: ReplayResult;
  /** The simulator's TPOT of the kind the point is compared on (mean or median). */
  simTpotMs: number;
  throughputRatio: number;
  tpotRatio: number;
}

/** Each point's workload drawn once, so every candidate is judged on the same requests. */
export class ReferenceReplays {
  private readonly workloads = new Map<string, ReplayWorkload>();

  constructor(
    readonly points: readonly ReferencePoint[],
    readonly engine: SimulatedEngine,
  ) {
    for (const p of points) this.workloads.set(p.id, referenceWorkload(p.workload));
  }

  compare(profile: CostProfile, points: readonly ReferencePoint[] = this.points): Comparison[] {
    return points.map((point) => {
      const sim = replayInEngine(profile, this.engine, this.workloads.get(point.id)!);
      const simTpotMs = point.compareTpot === "median" ? sim.medianTpotMs : sim.meanTpotMs;
      return { point, sim, simTpotMs, throughputRatio: sim.outputTokPerS / point.reported.outputTokPerS, tpotRatio: simTpotMs / referenceTpotMs(point) };
    });
  }
}

/** Sum of squared log ratios of throughput and TPOT: what the fit minimises (smooth, unlike the worst ratio). */
export function squaredLogError(comparisons: readonly Comparison[]): number {
  return comparisons.reduce((sum, c) => sum + Math.log(c.throughputRatio) ** 2 + Math.log(c.tpotRatio) ** 2, 0);
}

/** The worst |log ratio| of throughput or TPOT: 0 is exact, log(1.2) = 0.18 is 20% off. */
export function worstLogRatio(comparisons: readonly Comparison[]): number {
  return Math.max(...comparisons.flatMap((c) => [Math.abs(Math.log(c.throughputRatio)), Math.abs(Math.log(c.tpotRatio))]));
}

export const withinTolerance = (c: Comparison, tolerance = 0.2) => Math.abs(c.throughputRatio - 1) <= tolerance && Math.abs(c.tpotRatio - 1) <= tolerance;

export interface FitResult {
  terms: OverheadTerms;
  worstLogRatio: number;
  evaluations: number;
}

export interface FitOptions {
  start?: OverheadTerms;
  /** First step of each term; the search halves the steps until they are `resolution` of these. */
  step?: OverheadTerms;
  resolution?: number;
}

export const DEFAULT_FIT_START: OverheadTerms = { stepOverheadMs: 2, perDecodeSeqOverheadMs: 0.01, perContextTokenOverheadMs: 6e-5 };

export function fitOverheads(kernels: CostProfile, replays: ReferenceReplays, options: FitOptions = {}): FitResult {
  const mustMeet = replays.points.filter((p) => p.mustMeet);
  if (mustMeet.length === 0) throw new Error("fit: no reference point is marked mustMeet");
  const profile = (t: OverheadTerms) => ({ ...kernels, overheadFactor: 1, ...t });
  const score = (t: OverheadTerms) => squaredLogError(replays.compare(profile(t), mustMeet));
  let best: OverheadTerms = { ...(options.start ?? DEFAULT_FIT_START) };
  const first = options.step ?? { stepOverheadMs: 2, perDecodeSeqOverheadMs: 0.01, perContextTokenOverheadMs: 4e-5 };
  const step: OverheadTerms = { ...first };
  const resolution = options.resolution ?? 1 / 32;
  let bestScore = score(best);
  let evaluations = 1;
  while (TERMS.some((t) => step[t] > first[t] * resolution)) {
    // All six neighbours, then the best.
    let next: { terms: OverheadTerms; score: number } | undefined;
    for (const term of TERMS) {
      for (const sign of [1, -1]) {
        const candidate = { ...best, [term]: Math.max(0, best[term] + sign * step[term]) };
        if (candidate[term] === best[term]) continue;
        const s = score(candidate);
        evaluations++;
        if (s < (next?.score ?? bestScore) - 1e-9) next = { terms: candidate, score: s };
      }
    }
    if (next) {
      best = next.terms;
      bestScore = next.score;
    } else {
      for (const t of TERMS) step[t] /= 2;
    }
  }
  return { terms: best, worstLogRatio: worstLogRatio(replays.compare(profile(best), mustMeet)), evaluations };
}
