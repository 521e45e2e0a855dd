// A review record (snake_case, as the generator and review files spell it) in the camelCase shape
// of vector-search's Review message, ready for UpsertReviews / UploadReviews.
import type { ReviewRecord } from "./dataset.js";

export interface UploadReview {
  reviewId: string;
  restaurantId: string;
  text: string;
  rating: number;
  createdAt: string;
  images: Array<{ imageId: string; url: string; caption: string }>;
}

export function toUploadReview(r: ReviewRecord): UploadReview {
  return {
    reviewId: r.review_id,
    restaurantId: r.restaurant_id,
    text: r.text,
    rating: r.rating,
    createdAt: r.created_at,
    images: (r.images ?? []).map((i) => ({ imageId: i.image_id, url: i.url, caption: i.caption })),
  };
}
