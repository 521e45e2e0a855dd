// Step F: keep clusters with enough support and distinctiveness.
import type { DistinctCluster, SupportedCluster } from "./strength-types.js";

export interface StrengthThresholds {
  /** Share of positive reviews backing a strength. */
  minSupportShare: number;
  /** Reviews backing a strength, at least. */
  minSupportReviews: number;
  /** Lift over the baseline of other restaurants, at least. */
  minDistinctiveness: number;
}

export const DEFAULT_THRESHOLDS: StrengthThresholds = { minSupportShare: 0.15, minSupportReviews: 2, minDistinctiveness: 1.5 };

/** Enough support to pass, whatever its distinctiveness: only such clusters are worth a baseline query. */
export function hasSupport(c: SupportedCluster, t: StrengthThresholds): boolean {
  return c.supportShare >= t.minSupportShare && c.support >= t.minSupportReviews;
}

export function filterClusters(clusters: DistinctCluster[], t: StrengthThresholds): DistinctCluster[] {
  return clusters.filter((c) => hasSupport(c, t) && c.distinctiveness >= t.minDistinctiveness);
}
