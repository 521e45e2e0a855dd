// Rebuilding one restaurant's derived points (its representative state and its photos) from its
// review points, after a write to it was interrupted (see write-intents.ts).
import { applyContributions, cosineSimilarity, emptyState, type RepresentativeState } from "./domain/representative-vector.js";
import { captionsOf, photoPoints } from "./point-vectors.js";
import { pointToReview, pointToState, RESTAURANT_VECTORS, REVIEW_IMAGES, REVIEWS, stateToPoint } from "./stored-records.js";
import type { VectorStore } from "./vector-store.js";

/** Stored vectors of caption texts, in order (the index's embedder; none for none). */
export type EmbedCaptions = (captions: string[]) => Promise<number[][]>;

/**
 * Writes the state its reviews give (as a new version, drift from the stored one) and rewrites its
 * photos: those of reviews no longer stored go, every stored review's photos are written again.
 */
export async function rebuildRestaurant(store: VectorStore, restaurantId: string, dimension: number, embedCaptions: EmbedCaptions): Promise<RepresentativeState> {
  const reviews = (await store.scan(REVIEWS, [{ field: "restaurant_id", equals: restaurantId }])).map(pointToReview);
  const [storedState] = (await store.get(RESTAURANT_VECTORS, [restaurantId])).map(pointToState);
  const before = storedState ?? emptyState(restaurantId, dimension);
  const rebuilt = applyContributions(
    emptyState(restaurantId, dimension),
    reviews.map((r) => ({ vector: r.vector, weight: r.weight, createdAtMs: r.review.createdAtMs })),
    [],
  );
  const state: RepresentativeState = {
    ...rebuilt,
    version: before.version + 1,
    vector: rebuilt.reviewCount === 0 ? before.vector : rebuilt.vector,
    drift: before.reviewCount > 0 && rebuilt.reviewCount > 0 ? 1 - cosineSimilarity(before.vector, rebuilt.vector) : 0,
  };

  const photos = photoPoints(reviews, await embedCaptions(captionsOf(reviews.map((r) => r.review)))).flat();
  const kept = new Set(photos.map((p) => p.id));
  const stale = (await store.scan(REVIEW_IMAGES, [{ field: "restaurant_id", equals: restaurantId }])).filter((p) => !kept.has(p.id));
  await store.delete(REVIEW_IMAGES, stale.map((p) => p.id));
  await store.upsert(REVIEW_IMAGES, photos);
  await store.upsert(RESTAURANT_VECTORS, [stateToPoint(state)]);
  return state;
}
