// The service's use cases over a VectorStore and an Embedder: ingest, delete, search, TOP-K by
// representative vector, statistics. Writes are serialised so that each restaurant's incremental
// representative vector is read, updated and stored without lost updates (one process per store),
// and bracketed by write intents so that an interrupted one is repaired (write-intents.ts).
import type { Embedder } from "@reviewlens/embedder";
import type { ImageCandidate } from "./domain/image-search.js";
import {
  applyContributions,
  emptyState,
  reviewWeight,
  type Contribution,
  type RepresentativeState,
  type WeightPolicy,
} from "./domain/representative-vector.js";
import type { ReviewRecord } from "./domain/review.js";
import { asStored, captionsOf, photoPoints } from "./point-vectors.js";
import { rebuildRestaurant } from "./restaurant-rebuild.js";
import { RestaurantStateCache } from "./restaurant-state-cache.js";
import {
  collectionSpecs,
  imagePointId,
  pointToImage,
  pointToReview,
  pointToReviewRecord,
  pointToState,
  RESTAURANT_VECTORS,
  reviewToPoint,
  REVIEW_IMAGES,
  REVIEWS,
  sameReview,
  stateToPoint,
  type StoredReview,
} from "./stored-records.js";
import type { Condition, Point, VectorStore } from "./vector-store.js";
import { WRITE_INTENTS, writeIntentPoint, writeIntentsSpec } from "./write-intents.js";

export interface ScoredReview {
  review: ReviewRecord;
  score: number;
}

export interface UpsertOutcome {
  upserted: number;
  unchanged: number;
  /** Restaurants whose representative vector got a new version. */
  restaurantsUpdated: string[];
}

export interface ReviewFilter {
  restaurantId?: string;
  rating?: { min: number; max: number };
  createdFromMs?: number;
  createdToMs?: number;
  withImages?: boolean;
}

export function filterConditions(filter: ReviewFilter): Condition[] {
  const conditions: Condition[] = [];
  if (filter.restaurantId) conditions.push({ field: "restaurant_id", equals: filter.restaurantId });
  if (filter.rating) conditions.push({ field: "rating", range: { gte: filter.rating.min, lte: filter.rating.max } });
  if (filter.createdFromMs !== undefined || filter.createdToMs !== undefined) {
    conditions.push({
      field: "created_at",
      range: { ...(filter.createdFromMs !== undefined ? { gte: filter.createdFromMs } : {}), ...(filter.createdToMs !== undefined ? { lt: filter.createdToMs } : {}) },
    });
  }
  if (filter.withImages) conditions.push({ field: "has_images", equals: true });
  return conditions;
}

const oldestFirst = (a: ReviewRecord, b: ReviewRecord) => a.createdAtMs - b.createdAtMs || a.reviewId.localeCompare(b.reviewId);

export class ReviewIndex {
  private writes: Promise<unknown> = Promise.resolve();
  /** Write intents may be stored: true until they were read once, and again after a failed write. */
  private intentsMayRemain = true;
  /** Only for a store no other process writes: another writer's changes would not pass through it. */
  private readonly stateCache: RestaurantStateCache | undefined;

  private constructor(
    readonly store: VectorStore,
    readonly embedder: Embedder,
    private readonly weights: WeightPolicy,
  ) {
    this.stateCache = store.exclusive ? new RestaurantStateCache() : undefined;
  }

  /** Creates or checks the collections (DimensionMismatchError when they hold other vectors). */
  static async open(store: VectorStore, embedder: Embedder, weights: WeightPolicy): Promise<ReviewIndex> {
    for (const spec of [...collectionSpecs(embedder.dimension), writeIntentsSpec]) await store.ensureCollection(spec);
    return new ReviewIndex(store, embedder, weights);
  }

  /**
   * Rebuilds the restaurants an interrupted write left intents for; returns their IDs. Every write
   * does this first, so calling it at start only does it sooner.
   */
  repairInterruptedWrites(): Promise<string[]> {
    return this.serialised(() => this.repairIfNeeded());
  }

  private async repairIfNeeded(): Promise<string[]> {
    if (!this.intentsMayRemain) return [];
    const restaurants = (await this.store.scan(WRITE_INTENTS, [])).map((p) => p.id).sort();
    try {
      for (const id of restaurants) await rebuildRestaurant(this.store, id, this.embedder.dimension, (captions) => this.embed(captions));
    } finally {
      // Also turns away what reads begun during the rebuild would cache.
      if (restaurants.length > 0) this.stateCache?.clear();
    }
    await this.store.delete(WRITE_INTENTS, restaurants);
    this.intentsMayRemain = false;
    return restaurants;
  }

  /**
   * Runs `writes`, which store `states`, between storing and removing intents for their restaurants.
   * Once begun, the writes ignore the caller's signal: stopping halfway is what would need a repair.
   */
  private async underIntents(states: RepresentativeState[], writes: () => Promise<void>): Promise<void> {
    const restaurantIds = states.map((s) => s.restaurantId);
    try {
      await this.store.upsert(WRITE_INTENTS, restaurantIds.map((id) => writeIntentPoint(id, Date.now())));
      await writes();
      this.stateCache?.written(restaurantIds, states);
      await this.store.delete(WRITE_INTENTS, restaurantIds);
    } catch (error) {
      this.intentsMayRemain = true;
      this.stateCache?.clear();
      throw error;
    }
  }

  private serialised<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.writes.then(operation);
    this.writes = next.catch(() => undefined);
    return next;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (texts.length === 0) return [];
    return (await this.embedder.embed(texts, signal)).map(asStored);
  }

  /** Inserts or replaces valid reviews; the last of equal review IDs wins. */
  async upsert(records: ReviewRecord[], signal?: AbortSignal): Promise<UpsertOutcome> {
    const byId = new Map(records.map((r) => [r.reviewId, r]));
    const reviews = [...byId.values()];
    const captions = captionsOf(reviews);
    // Embedding happens outside the write lock: it is the slow part and needs no consistency.
    const [vectors, captionVectors] = await Promise.all([this.embed(reviews.map((r) => r.text), signal), this.embed(captions, signal)]);
    return this.serialised(async () => {
      await this.repairIfNeeded();
      signal?.throwIfAborted();
      const existing = new Map((await this.store.get(REVIEWS, [...byId.keys()], signal)).map((p) => [p.id, pointToReview(p)]));
      const changed: StoredReview[] = [];
      const photos = photoPoints(reviews.map((review, i) => ({ review, vector: vectors[i]! })), captionVectors);
      const imagePoints: Point[] = [];
      for (const [i, review] of reviews.entries()) {
        const before = existing.get(review.reviewId);
        if (before && sameReview(before.review, review)) continue;
        changed.push({ review, vector: vectors[i]!, weight: reviewWeight(review, this.weights) });
        imagePoints.push(...photos[i]!);
      }
      if (changed.length === 0) return { upserted: 0, unchanged: reviews.length, restaurantsUpdated: [] };
      const replaced = changed.map((c) => existing.get(c.review.reviewId)).filter((r): r is StoredReview => r !== undefined);
      const restaurants = await this.updateStates(changed, replaced, signal);
      await this.fixLastReviewAt(restaurants, replaced, changed, signal);
      signal?.throwIfAborted();
      await this.underIntents(
        restaurants,
        async () => {
          await this.store.upsert(REVIEWS, changed.map(reviewToPoint));
          await this.store.delete(REVIEW_IMAGES, replaced.flatMap((r) => r.review.images.map((i) => imagePointId(r.review.reviewId, i.imageId))));
          await this.store.upsert(REVIEW_IMAGES, imagePoints);
          await this.store.upsert(RESTAURANT_VECTORS, restaurants.map(stateToPoint));
        },
      );
      return { upserted: changed.length, unchanged: reviews.length - changed.length, restaurantsUpdated: restaurants.map((r) => r.restaurantId) };
    });
  }

  async delete(reviewIds: string[], signal?: AbortSignal): Promise<{ deleted: string[]; notFound: string[] }> {
    const ids = [...new Set(reviewIds)];
    return this.serialised(async () => {
      await this.repairIfNeeded();
      const existing = (await this.store.get(REVIEWS, ids, signal)).map(pointToReview);
      const found = new Set(existing.map((r) => r.review.reviewId));
      if (existing.length > 0) {
        const restaurants = await this.updateStates([], existing, signal);
        await this.fixLastReviewAt(restaurants, existing, [], signal);
        signal?.throwIfAborted();
        await this.underIntents(
          restaurants,
          async () => {
            await this.store.delete(REVIEWS, [...found]);
            await this.store.delete(REVIEW_IMAGES, existing.flatMap((r) => r.review.images.map((i) => imagePointId(r.review.reviewId, i.imageId))));
            await this.store.upsert(RESTAURANT_VECTORS, restaurants.map(stateToPoint));
          },
        );
      }
      return { deleted: ids.filter((id) => found.has(id)), notFound: ids.filter((id) => !found.has(id)) };
    });
  }

  /** The next state of every restaurant touched by adding `added` and removing `removed`. */
  private async updateStates(added: StoredReview[], removed: StoredReview[], signal?: AbortSignal): Promise<RepresentativeState[]> {
    const contribution = (r: StoredReview): Contribution => ({ vector: r.vector, weight: r.weight, createdAtMs: r.review.createdAtMs });
    const ids = [...new Set([...added, ...removed].map((r) => r.review.restaurantId))];
    const current = new Map((await this.storedStates(ids, signal)).map((s) => [s.restaurantId, s]));
    return ids.map((id) =>
      applyContributions(
        current.get(id) ?? emptyState(id, this.embedder.dimension),
        added.filter((r) => r.review.restaurantId === id).map(contribution),
        removed.filter((r) => r.review.restaurantId === id).map(contribution),
      ),
    );
  }

  /**
   * When a restaurant's newest review was removed (deleted, moved away or re-dated), its newest
   * remaining review sets last_review_at. Runs before the store writes: `removed` are still stored.
   */
  private async fixLastReviewAt(states: RepresentativeState[], removed: StoredReview[], added: StoredReview[], signal?: AbortSignal) {
    for (const state of states) {
      const own = (list: StoredReview[]) => list.filter((r) => r.review.restaurantId === state.restaurantId).map((r) => r.review.createdAtMs);
      const newestRemoved = Math.max(...own(removed));
      if (state.reviewCount === 0 || newestRemoved < state.lastReviewAtMs) continue;
      const gone = new Set(removed.map((r) => r.review.reviewId));
      const remaining = (await this.store.scan(REVIEWS, [{ field: "restaurant_id", equals: state.restaurantId }], signal)).filter((p) => !gone.has(p.id));
      state.lastReviewAtMs = Math.max(0, ...remaining.map((p) => Number(p.payload["created_at"])), ...own(added));
    }
  }

  /** The `topK` reviews nearest `vector`, less those under `minScore` when it is given. */
  async search(vector: number[], filter: ReviewFilter, cut: { topK: number; minScore?: number | undefined }, signal?: AbortSignal): Promise<ScoredReview[]> {
    // Within one restaurant the candidates are few: always exact, so TOP-K is the true K nearest.
    const exact = filter.restaurantId !== undefined;
    const options = { filter: filterConditions(filter), limit: cut.topK, exact, ...(cut.minScore !== undefined ? { minScore: cut.minScore } : {}) };
    const hits = await this.store.search(REVIEWS, vector, options, signal);
    return hits.map((hit) => ({ review: pointToReviewRecord(hit), score: hit.score }));
  }

  /** The stored states of `restaurantIds` (all when undefined); none for restaurants never written. Callers must not change them. */
  async restaurantStates(restaurantIds: string[] | undefined, signal?: AbortSignal): Promise<RepresentativeState[]> {
    if (restaurantIds === undefined) return (await this.store.scan(RESTAURANT_VECTORS, [], signal)).map(pointToState);
    return this.storedStates(restaurantIds, signal);
  }

  private async storedStates(ids: string[], signal?: AbortSignal): Promise<RepresentativeState[]> {
    if (!this.stateCache) return (await this.store.get(RESTAURANT_VECTORS, ids, signal)).map(pointToState);
    const { states, unknown } = this.stateCache.lookup(ids);
    if (unknown.length === 0) return states;
    const readAt = this.stateCache.beginRead();
    const read = (await this.store.get(RESTAURANT_VECTORS, unknown, signal)).map(pointToState);
    this.stateCache.rememberRead(readAt, unknown, read);
    return [...states, ...read];
  }

  /** Every review of a restaurant, oldest first. */
  async restaurantReviews(restaurantId: string, signal?: AbortSignal): Promise<ReviewRecord[]> {
    const points = await this.store.scanPayloads(REVIEWS, [{ field: "restaurant_id", equals: restaurantId }], signal);
    return points.map(pointToReviewRecord).sort(oldestFirst);
  }

  /**
   * A restaurant's `topK` reviews nearest `vector` (within `rating` when given) and the texts of all
   * its reviews, oldest first. An exact search within one restaurant reads every review of it anyway,
   * so when it holds at most `expectedReviews` (its state's count) one search for all of them gives
   * both: the nearest that pass the rating are the TOP-K. Two reads side by side (the search and a
   * scan) took about twice as long as one on this machine (embedded LanceDB, 2 cores). More reviews
   * than expected (a write since the state was read): the two reads.
   */
  async searchWithTexts(
    vector: number[],
    restaurantId: string,
    rating: { min: number; max: number } | undefined,
    topK: number,
    expectedReviews: number,
    signal?: AbortSignal,
  ): Promise<{ hits: ScoredReview[]; texts: string[] }> {
    const all = await this.search(vector, { restaurantId }, { topK: expectedReviews + 1 }, signal);
    if (all.length > expectedReviews) {
      const [hits, texts] = await Promise.all([this.search(vector, { restaurantId, ...(rating ? { rating } : {}) }, { topK }, signal), this.restaurantTexts(restaurantId, signal)]);
      return { hits, texts };
    }
    const hits = all.filter((h) => !rating || (h.review.rating >= rating.min && h.review.rating <= rating.max)).slice(0, topK);
    return { hits, texts: all.map((h) => h.review).sort(oldestFirst).map((r) => r.text) };
  }

  /** The texts of a restaurant's reviews, oldest first. */
  async restaurantTexts(restaurantId: string, signal?: AbortSignal): Promise<string[]> {
    return (await this.restaurantReviews(restaurantId, signal)).map((r) => r.text);
  }

  async searchImages(vector: number[], restaurantId: string | undefined, limit: number, signal?: AbortSignal): Promise<ImageCandidate[]> {
    const filter: Condition[] = restaurantId ? [{ field: "restaurant_id", equals: restaurantId }] : [];
    return (await this.store.search(REVIEW_IMAGES, vector, { filter, limit, exact: restaurantId !== undefined }, signal)).map(pointToImage);
  }

  async close(): Promise<void> {
    await this.writes;
    await this.store.close();
  }
}
