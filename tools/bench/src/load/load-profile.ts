// A load profile as phases with a linearly changing request rate (ramp up, plateau, spike, ramp
// down, idle), sampled as a non-homogeneous Poisson process by thinning.
import type { RandomSource } from "./random-source.js";

export interface ProfilePhase {
  name: string;
  durationS: number;
  /** Requests per second at the phase's start and end. */
  fromRate: number;
  toRate: number;
}

export function rateAt(phases: readonly ProfilePhase[], t: number): number {
  let start = 0;
  for (const p of phases) {
    if (t < start + p.durationS) return p.fromRate + ((p.toRate - p.fromRate) * (t - start)) / p.durationS;
    start += p.durationS;
  }
  return 0;
}

export const profileDuration = (phases: readonly ProfilePhase[]) => phases.reduce((a, p) => a + p.durationS, 0);

/** Expected number of requests: the integral of the rate. */
export const expectedRequests = (phases: readonly ProfilePhase[]) => phases.reduce((a, p) => a + ((p.fromRate + p.toRate) / 2) * p.durationS, 0);

/** Arrival times (seconds from the start) of one seeded realisation. */
export function profileArrivals(phases: readonly ProfilePhase[], random: RandomSource): number[] {
  const peak = Math.max(...phases.flatMap((p) => [p.fromRate, p.toRate]));
  if (!(peak > 0)) return [];
  const end = profileDuration(phases);
  const arrivals: number[] = [];
  for (let t = 0; ; ) {
    t += -Math.log(1 - random.uniform()) / peak;
    if (t >= end) return arrivals;
    if (random.uniform() * peak < rateAt(phases, t)) arrivals.push(t);
  }
}

export const toInterArrival = (arrivals: readonly number[]) => arrivals.map((t, i) => t - (i === 0 ? 0 : arrivals[i - 1]!));

export function phaseAt(phases: readonly ProfilePhase[], t: number): string {
  let start = 0;
  for (const p of phases) {
    if (t < start + p.durationS) return p.name;
    start += p.durationS;
  }
  return "after";
}
