// SKIP: answer from the stored result when the same analysis succeeded recently and the restaurant's
// reviews have not changed since. Pure: state, version and clock in, decision out.
import type { AnalysisState } from "@reviewlens/metrics-store";

/** What the analysis reads, as vector-search reports it: changes whenever a review is added or removed. */
export interface AnalysisVersion {
  readonly reviewCount: number;
  readonly vectorVersion: number;
}

export type SkipDecision =
  | { readonly skip: true; readonly storedResult: unknown; readonly analyzedAt: Date; readonly ageSeconds: number }
  | { readonly skip: false; readonly reason: "forced" | "never-succeeded" | "interval-elapsed" | "reviews-changed" };

export function decideSkip(input: {
  readonly state: AnalysisState | undefined;
  readonly version: AnalysisVersion;
  readonly force: boolean;
  readonly nowMs: number;
  readonly minIntervalSeconds: number;
}): SkipDecision {
  const { state, version } = input;
  if (input.force) return { skip: false, reason: "forced" };
  if (!state?.lastSuccessAt || state.lastResult === undefined) return { skip: false, reason: "never-succeeded" };
  const ageSeconds = Math.max(0, (input.nowMs - state.lastSuccessAt.getTime()) / 1000);
  if (ageSeconds >= input.minIntervalSeconds) return { skip: false, reason: "interval-elapsed" };
  if (state.reviewCount !== version.reviewCount || state.vectorVersion !== version.vectorVersion) {
    return { skip: false, reason: "reviews-changed" };
  }
  return { skip: true, storedResult: state.lastResult, analyzedAt: state.lastSuccessAt, ageSeconds };
}
