// The baseline of step E from vector-search: one similarity search over every restaurant's reviews
// per claim, cut at the match similarity so only matches travel, and review counts per restaurant
// from GetRestaurantStats.
import type { vectorsearch } from "@reviewlens/contracts";
import type { BaselineSource, ClaimPrevalence } from "../strengths/step-e-compare-baseline.js";

export interface BaselineSearchClient {
  searchSimilarReviews(request: vectorsearch.SearchSimilarReviewsRequest, options?: { signal?: AbortSignal | undefined }): Promise<vectorsearch.SearchSimilarReviewsResponse>;
  getRestaurantStats(request: vectorsearch.GetRestaurantStatsRequest, options?: { signal?: AbortSignal | undefined }): Promise<vectorsearch.GetRestaurantStatsResponse>;
}

export interface BaselineOptions {
  /** Cosine similarity at which a review counts as making the claim. */
  matchSimilarity: number;
  /** Matches per search (vector-search allows up to 1000); counts are lower bounds when it is reached. */
  searchTopK: number;
  statsTtlMs?: number;
}

export function createVectorSearchBaseline(client: BaselineSearchClient, options: BaselineOptions): BaselineSource {
  let stats: { at: number; counts: Promise<Map<string, number>> } | undefined;
  const reviewCounts = (signal?: AbortSignal) => {
    if (!stats || Date.now() - stats.at > (options.statsTtlMs ?? 5_000)) {
      const counts = client
        .getRestaurantStats({ restaurantIds: [] }, { signal })
        .then((r) => new Map(r.restaurants.map((s) => [s.restaurantId, s.reviewCount])));
      counts.catch(() => (stats = undefined));
      stats = { at: Date.now(), counts };
    }
    return stats.counts;
  };
  return {
    async prevalence(claim, restaurantId, signal): Promise<ClaimPrevalence> {
      const [counts, hits] = await Promise.all([
        reviewCounts(signal),
        client.searchSimilarReviews({ query: { $case: "text", value: claim }, filter: undefined, topK: options.searchTopK, minScore: options.matchSimilarity }, { signal }),
      ]);
      let ownMatches = 0;
      let otherMatches = 0;
      for (const hit of hits.results) {
        // vector-search already left out weaker hits; checked again so a server without the threshold counts the same.
        if (hit.score < options.matchSimilarity || !hit.review) continue;
        if (hit.review.restaurantId === restaurantId) ownMatches++;
        else otherMatches++;
      }
      let otherReviews = 0;
      for (const [id, n] of counts) if (id !== restaurantId) otherReviews += n;
      return { ownMatches, ownReviews: counts.get(restaurantId) ?? 0, otherMatches, otherReviews };
    },
  };
}
