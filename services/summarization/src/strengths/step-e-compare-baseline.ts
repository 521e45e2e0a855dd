// Step E: distinctiveness against a baseline of other restaurants. A claim that other restaurants'
// reviews make just as often (generic praise such as "맛있어요") has a lift near 1 and is not distinctive.
import type { DistinctCluster, SupportedCluster } from "./strength-types.js";

/** How many reviews match a claim, here and at every other restaurant (one matcher for both). */
export interface ClaimPrevalence {
  ownMatches: number;
  ownReviews: number;
  otherMatches: number;
  otherReviews: number;
}

export interface BaselineSource {
  prevalence(claim: string, restaurantId: string, signal?: AbortSignal): Promise<ClaimPrevalence>;
}

/** Lift is capped: a claim no other restaurant shares is distinctive, not infinitely so. */
export const MAX_LIFT = 10;

export function lift(p: ClaimPrevalence): number {
  if (p.otherReviews === 0) return 1; // no baseline: nothing to be distinctive against
  const own = p.ownReviews > 0 ? p.ownMatches / p.ownReviews : 0;
  const other = Math.max(p.otherMatches, 1) / p.otherReviews;
  return Math.min(MAX_LIFT, own / other);
}

export async function compareWithBaseline(
  clusters: SupportedCluster[],
  baseline: BaselineSource,
  restaurantId: string,
  signal?: AbortSignal,
): Promise<{ clusters: DistinctCluster[]; warnings: string[] }> {
  const warnings: string[] = [];
  const scored = await Promise.all(
    clusters.map(async (cluster) => {
      const p = await baseline.prevalence(cluster.representative, restaurantId, signal);
      if (p.otherReviews === 0 && warnings.length === 0) warnings.push("no other restaurants to compare with: distinctiveness is 1 for every claim");
      return { ...cluster, distinctiveness: lift(p) };
    }),
  );
  return { clusters: scored, warnings };
}
