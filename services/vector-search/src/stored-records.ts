// How reviews, their images and restaurant states are laid out as points in the store.
import type { ImageCandidate } from "./domain/image-search.js";
import type { RepresentativeState } from "./domain/representative-vector.js";
import type { ReviewImage, ReviewRecord } from "./domain/review.js";
import type { CollectionSpec, Point, ScoredPoint } from "./vector-store.js";

export const REVIEWS = "reviews";
export const RESTAURANT_VECTORS = "restaurant_vectors";
export const REVIEW_IMAGES = "review_images";

export function collectionSpecs(dimension: number): CollectionSpec[] {
  return [
    {
      name: REVIEWS,
      dimension,
      fields: {
        restaurant_id: { type: "keyword", indexed: true },
        rating: { type: "integer", indexed: true },
        created_at: { type: "integer", indexed: true }, // epoch ms, for range filters
        has_images: { type: "bool", indexed: true },
        created_at_text: { type: "keyword" }, // as the client sent it
        text: { type: "text" },
        images_json: { type: "text" },
        weight: { type: "float" },
      },
    },
    {
      name: RESTAURANT_VECTORS,
      dimension,
      fields: {
        review_count: { type: "integer" },
        version: { type: "integer" },
        drift: { type: "float" },
        last_review_at: { type: "integer" },
        total_weight: { type: "float" },
        weighted_sum: { type: "text" }, // float64, base64: the sum must not lose precision between updates
      },
    },
    {
      name: REVIEW_IMAGES,
      dimension,
      fields: {
        restaurant_id: { type: "keyword", indexed: true },
        review_id: { type: "keyword", indexed: true },
        image_id: { type: "keyword" },
        url: { type: "keyword" },
        caption: { type: "text" },
      },
    },
  ];
}

export interface StoredReview {
  review: ReviewRecord;
  vector: number[];
  weight: number;
}

export function reviewToPoint({ review, vector, weight }: StoredReview): Point {
  return {
    id: review.reviewId,
    vector,
    payload: {
      restaurant_id: review.restaurantId,
      rating: review.rating,
      created_at: review.createdAtMs,
      has_images: review.images.length > 0,
      created_at_text: review.createdAt,
      text: review.text,
      images_json: JSON.stringify(review.images),
      weight,
    },
  };
}

/** The review a stored point or a search hit holds. */
export function pointToReviewRecord(point: Pick<Point, "id" | "payload">): ReviewRecord {
  const p = point.payload;
  return {
    reviewId: point.id,
    restaurantId: String(p["restaurant_id"]),
    text: String(p["text"] ?? ""),
    rating: Number(p["rating"]),
    createdAt: String(p["created_at_text"] ?? ""),
    createdAtMs: Number(p["created_at"]),
    images: JSON.parse(String(p["images_json"] ?? "[]")) as ReviewImage[],
  };
}

export function pointToReview(point: Point): StoredReview {
  return { review: pointToReviewRecord(point), vector: point.vector, weight: Number(point.payload["weight"]) };
}

/** Same content: a re-upload that must change nothing. */
export function sameReview(a: ReviewRecord, b: ReviewRecord): boolean {
  return (
    a.restaurantId === b.restaurantId &&
    a.text === b.text &&
    a.rating === b.rating &&
    a.createdAt === b.createdAt &&
    JSON.stringify(a.images) === JSON.stringify(b.images)
  );
}

export const imagePointId = (reviewId: string, imageId: string) => `${reviewId}\u0000${imageId}`;

export function imageToPoint(review: ReviewRecord, image: ReviewImage, vector: number[]): Point {
  return {
    id: imagePointId(review.reviewId, image.imageId),
    vector,
    payload: { restaurant_id: review.restaurantId, review_id: review.reviewId, image_id: image.imageId, url: image.url, caption: image.caption },
  };
}

export function pointToImage(point: ScoredPoint): ImageCandidate {
  const p = point.payload;
  return {
    imageId: String(p["image_id"]),
    url: String(p["url"] ?? ""),
    caption: String(p["caption"] ?? ""),
    reviewId: String(p["review_id"]),
    restaurantId: String(p["restaurant_id"]),
    similarity: point.score,
  };
}

function encodeFloat64(values: number[]): string {
  return Buffer.from(Float64Array.from(values).buffer).toString("base64");
}

function decodeFloat64(text: string): number[] {
  const bytes = Buffer.from(text, "base64");
  return Array.from(new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8));
}

export function stateToPoint(state: RepresentativeState): Point {
  return {
    id: state.restaurantId,
    vector: state.vector,
    payload: {
      review_count: state.reviewCount,
      version: state.version,
      drift: state.drift,
      last_review_at: state.lastReviewAtMs,
      total_weight: state.totalWeight,
      weighted_sum: encodeFloat64(state.weightedSum),
    },
  };
}

export function pointToState(point: Point): RepresentativeState {
  const p = point.payload;
  return {
    restaurantId: point.id,
    weightedSum: decodeFloat64(String(p["weighted_sum"])),
    totalWeight: Number(p["total_weight"]),
    reviewCount: Number(p["review_count"]),
    version: Number(p["version"]),
    vector: point.vector,
    drift: Number(p["drift"]),
    lastReviewAtMs: Number(p["last_review_at"]),
  };
}
