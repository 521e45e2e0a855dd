// Inter-arrival times with vllm bench serve's semantics: Poisson at --request-rate, or gamma with
// --burstiness (shape = burstiness, mean interval 1 / rate; 1 is Poisson, < 1 burstier, > 1 smoother).
import type { RandomSource } from "./random-source.js";

export interface ArrivalOptions {
  /** Requests per second; Infinity sends everything at once. */
  requestRate: number;
  burstiness: number;
}

/** Seconds to wait before each of `count` requests (the first included, as vLLM does). */
export function interArrivalTimes(count: number, options: ArrivalOptions, random: RandomSource): number[] {
  if (!(options.burstiness > 0)) throw new RangeError("--burstiness must be > 0");
  if (!(options.requestRate > 0)) throw new RangeError("--request-rate must be > 0 (inf for all at once)");
  if (options.requestRate === Infinity) return new Array<number>(count).fill(0);
  const theta = 1 / (options.requestRate * options.burstiness);
  return Array.from({ length: count }, () => random.gamma(options.burstiness, theta));
}
