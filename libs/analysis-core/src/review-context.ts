// The context of every analysis: the TOP-K reviews nearest the restaurant's representative vector,
// plus every review text so the all-reviews prompt cost can be counted with the same tokenizer.
import { vectorsearch } from "@reviewlens/contracts";
import { DependencyError, NotFoundError, Status } from "@reviewlens/runtime";
import { asDependencyError } from "./dependency-errors.js";

export interface RepresentativeReviewSource {
  getRepresentativeReviews(
    request: vectorsearch.GetRepresentativeReviewsRequest,
    options?: { signal?: AbortSignal | undefined },
  ): Promise<vectorsearch.GetRepresentativeReviewsResponse>;
}

export interface ContextReview {
  reviewId: string;
  text: string;
  rating: number;
  score: number;
}

export interface ReviewContext {
  restaurantId: string;
  reviews: ContextReview[];
  totalReviews: number;
  vectorVersion: number;
  allReviewTexts: string[];
}

export interface ContextQuery {
  restaurantId: string;
  topK: number;
  polarity?: vectorsearch.Polarity;
  aspectQuery?: string;
}

export async function loadReviewContext(source: RepresentativeReviewSource, query: ContextQuery, signal?: AbortSignal): Promise<ReviewContext> {
  const response = await source
    .getRepresentativeReviews(
      {
        restaurantId: query.restaurantId,
        topK: query.topK,
        polarity: query.polarity ?? vectorsearch.Polarity.POLARITY_UNSPECIFIED,
        aspectQuery: query.aspectQuery ?? "",
        includeAllTexts: true,
      },
      { signal },
    )
    .catch((error: unknown) => {
      const failed = asDependencyError(error, `vector-search (restaurant ${query.restaurantId})`);
      // The restaurant ID is already validated here: vector-search refusing it means it has no reviews.
      throw failed instanceof DependencyError && failed.code === Status.INVALID_ARGUMENT ? new NotFoundError(failed.message) : failed;
    });
  const reviews = response.reviews
    .filter((s) => s.review && s.review.restaurantId === query.restaurantId)
    .map((s) => ({ reviewId: s.review!.reviewId, text: s.review!.text, rating: s.review!.rating, score: s.score }));
  if (reviews.length === 0) throw new NotFoundError(`restaurant ${query.restaurantId} has no reviews to analyse`);
  return {
    restaurantId: query.restaurantId,
    reviews,
    totalReviews: response.totalReviews,
    vectorVersion: Number(response.vectorVersion),
    allReviewTexts: response.allReviewTexts.length > 0 ? response.allReviewTexts : reviews.map((r) => r.text),
  };
}
