// The review as this service stores it, and the checks an incoming review must pass.
import { quoted } from "@reviewlens/runtime";

export interface ReviewImage {
  imageId: string;
  url: string;
  caption: string;
}

export interface ReviewRecord {
  reviewId: string;
  restaurantId: string;
  text: string;
  rating: number;
  /** As the client sent it (RFC 3339). */
  createdAt: string;
  createdAtMs: number;
  images: ReviewImage[];
}

/** The proto shape before validation. */
export interface ReviewInput {
  reviewId: string;
  restaurantId: string;
  text: string;
  rating: number;
  createdAt: string;
  images: ReviewImage[];
}

export interface ReviewLimits {
  maxTextChars: number;
  maxIdChars: number;
  maxImages: number;
}

export const DEFAULT_REVIEW_LIMITS: ReviewLimits = { maxTextChars: 5_000, maxIdChars: 256, maxImages: 20 };

export interface FieldProblem {
  field: string;
  message: string;
}

// RFC 3339 date-time: date, "T" (or space), time, optional fraction, Z or offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch, or undefined when `value` is not an RFC 3339 date-time. */
export function parseRfc3339(value: string): number | undefined {
  if (!RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function checkId(field: string, value: string, limits: ReviewLimits): FieldProblem | undefined {
  if (value.trim() === "") return { field, message: "must not be empty" };
  if (value.length > limits.maxIdChars) return { field, message: `must be at most ${limits.maxIdChars} characters, got ${value.length}` };
  return undefined;
}

export function validateReview(input: ReviewInput, limits: ReviewLimits = DEFAULT_REVIEW_LIMITS): ReviewRecord | FieldProblem {
  const idProblem = checkId("review_id", input.reviewId, limits) ?? checkId("restaurant_id", input.restaurantId, limits);
  if (idProblem) return idProblem;
  if (input.text.trim() === "") return { field: "text", message: "must not be empty" };
  if (input.text.length > limits.maxTextChars) return { field: "text", message: `must be at most ${limits.maxTextChars} characters, got ${input.text.length}` };
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) return { field: "rating", message: `must be an integer from 1 to 5, got ${input.rating}` };
  const createdAtMs = parseRfc3339(input.createdAt);
  if (createdAtMs === undefined) return { field: "created_at", message: `must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z, got ${quoted(input.createdAt)}` };
  if (input.images.length > limits.maxImages) return { field: "images", message: `at most ${limits.maxImages} images per review, got ${input.images.length}` };
  const seen = new Set<string>();
  for (const [i, image] of input.images.entries()) {
    if (image.imageId.trim() === "") return { field: `images[${i}].image_id`, message: "must not be empty" };
    if (seen.has(image.imageId)) return { field: `images[${i}].image_id`, message: `duplicate image_id ${quoted(image.imageId)}` };
    seen.add(image.imageId);
    if (image.caption.length > limits.maxTextChars) return { field: `images[${i}].caption`, message: `must be at most ${limits.maxTextChars} characters` };
  }
  return {
    reviewId: input.reviewId,
    restaurantId: input.restaurantId,
    text: input.text,
    rating: input.rating,
    createdAt: input.createdAt,
    createdAtMs,
    images: input.images.map(({ imageId, url, caption }) => ({ imageId, url, caption })),
  };
}

export function isFieldProblem(value: ReviewRecord | FieldProblem): value is FieldProblem {
  return "field" in value;
}
