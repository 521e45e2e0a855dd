// Step A: positive evidence, the TOP-K reviews nearest the representative vector biased to positive.
import { loadReviewContext, type RepresentativeReviewSource } from "@reviewlens/analysis-core";
import { vectorsearch } from "@reviewlens/contracts";
import type { EvidenceReview } from "./strength-types.js";

/** Ratings 4-5 are positive; vector-search only biases selection, so lower ratings are dropped here. */
export const MIN_POSITIVE_RATING = 4;

export interface PositiveEvidence {
  reviews: EvidenceReview[];
  allReviewTexts: string[];
  totalReviews: number;
}

export async function selectPositiveEvidence(source: RepresentativeReviewSource, restaurantId: string, topK: number, signal?: AbortSignal): Promise<PositiveEvidence> {
  const context = await loadReviewContext(source, { restaurantId, topK, polarity: vectorsearch.Polarity.POLARITY_POSITIVE }, signal);
  return {
    reviews: context.reviews.filter((r) => r.rating >= MIN_POSITIVE_RATING).map(({ reviewId, text, rating }) => ({ reviewId, text, rating })),
    allReviewTexts: context.allReviewTexts,
    totalReviews: context.totalReviews,
  };
}
