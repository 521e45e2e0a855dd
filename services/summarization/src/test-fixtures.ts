// Fixed review sources for unit tests of the summarization service's domain logic.
import type { RepresentativeReviewSource } from "@reviewlens/analysis-core";
import type { vectorsearch } from "@reviewlens/contracts";

export interface FixedReview {
  text: string;
  rating: number;
}

export function fixedReviewSource(restaurantId: string, reviews: FixedReview[]): RepresentativeReviewSource & { requests: vectorsearch.GetRepresentativeReviewsRequest[] } {
  const requests: vectorsearch.GetRepresentativeReviewsRequest[] = [];
  return {
    requests,
    async getRepresentativeReviews(request) {
      requests.push(request);
      return {
        reviews: reviews.slice(0, request.topK).map((r, i) => ({
          review: { reviewId: `${restaurantId}-rv${i}`, restaurantId, text: r.text, rating: r.rating, createdAt: "2026-01-01T00:00:00Z", images: [] },
          score: 1 - i / 100,
        })),
        totalReviews: reviews.length,
        vectorVersion: 1,
        allReviewTexts: request.includeAllTexts ? reviews.map((r) => r.text) : [],
      };
    },
  };
}
