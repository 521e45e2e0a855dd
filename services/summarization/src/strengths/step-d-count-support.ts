// Step D: support of each cluster, the distinct reviews that make one of its claims.
import type { ClaimCluster, SupportedCluster } from "./strength-types.js";

export function countSupport(clusters: ClaimCluster[], positiveReviews: number): SupportedCluster[] {
  return clusters
    .map((cluster) => {
      const reviewIds = [...new Set(cluster.claims.map((c) => c.reviewId))];
      return { ...cluster, reviewIds, support: reviewIds.length, supportShare: positiveReviews > 0 ? reviewIds.length / positiveReviews : 0 };
    })
    .sort((a, b) => b.support - a.support);
}
