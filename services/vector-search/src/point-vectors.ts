// How the vectors stored for reviews and photos are made from embeddings.
import { normalize } from "./domain/representative-vector.js";

// A photo's vector leans on its caption and keeps some of its review's text for context.
const CAPTION_SHARE = 0.7;

/** Float32 like the stores keep, unit length like cosine stores keep: removals then cancel additions exactly. */
export function asStored(vector: number[]): number[] {
  return Array.from(Float32Array.from(normalize(vector)));
}

/** A photo's vector: its review's vector when the caption is empty, else the caption's leaning blend. */
export function photoVector(reviewVector: number[], captionEmbedding: number[] | undefined): number[] {
  if (captionEmbedding === undefined) return reviewVector;
  return asStored(captionEmbedding.map((x, d) => CAPTION_SHARE * x + (1 - CAPTION_SHARE) * reviewVector[d]!));
}

export const hasCaption = (image: { caption: string }) => image.caption.trim() !== "";
