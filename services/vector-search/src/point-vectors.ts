// How the vectors stored for reviews and photos are made from embeddings.
import { normalize } from "./domain/representative-vector.js";
import type { ReviewRecord } from "./domain/review.js";
import { imageToPoint } from "./stored-records.js";
import type { Point } from "./vector-store.js";

// A photo's vector leans on its caption and keeps some of its review's text for context.
const CAPTION_SHARE = 0.7;

/** Float32 like the stores keep, unit length like cosine stores keep: removals then cancel additions exactly. */
export function asStored(vector: number[]): number[] {
  return Array.from(Float32Array.from(normalize(vector)));
}

/** A photo's vector: its review's vector when the caption is empty, else the caption's leaning blend. */
function photoVector(reviewVector: number[], captionEmbedding: number[] | undefined): number[] {
  if (captionEmbedding === undefined) return reviewVector;
  return asStored(captionEmbedding.map((x, d) => CAPTION_SHARE * x + (1 - CAPTION_SHARE) * reviewVector[d]!));
}

const hasCaption = (image: { caption: string }) => image.caption.trim() !== "";

/** The captions of `reviews`' photos that have one, in order: what `photoPoints` needs embedded. */
export const captionsOf = (reviews: ReviewRecord[]): string[] => reviews.flatMap((r) => r.images.filter(hasCaption).map((i) => i.caption));

/** Each review's photo points; its captioned photos take the embeddings of `captionsOf` in order. */
export function photoPoints(reviews: Array<{ review: ReviewRecord; vector: number[] }>, captionEmbeddings: number[][]): Point[][] {
  let next = 0;
  return reviews.map(({ review, vector }) => review.images.map((image) => imageToPoint(review, image, photoVector(vector, hasCaption(image) ? captionEmbeddings[next++] : undefined))));
}
