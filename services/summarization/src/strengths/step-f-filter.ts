// Step F: keep clusters with enough support and distinctiveness.
import type { DistinctCluster } from "./strength-types.js";

export interface StrengthThresholds {
  /** Share of positive reviews backing a strength. */
  minSupportShare: number;
  /** Reviews backing a strength, at least. */
  minSupportReviews: number;
  /** Lift over the baseline of other restaurants, at least. */
  minDistinctiveness: number;
}

export const DEFAULT_THRESHOLDS: StrengthThresholds = { minSupportShare: 0.15, minSupportReviews: 2, minDistinctiveness: 1.5 };

export function filterClusters(clusters: DistinctCluster[], t: StrengthThresholds): DistinctCluster[] {
  return clusters.filter((c) => c.supportShare >= t.minSupportShare && c.support >= t.minSupportReviews && c.distinctiveness >= t.minDistinctiveness);
}
