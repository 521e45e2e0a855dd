// gRPC handlers: proto <-> domain translation and request checks; the work is in ReviewIndex.
import type { Meter } from "@opentelemetry/api";
import { common, vectorsearch } from "@reviewlens/contracts";
import { InvalidArgumentError, quoted } from "@reviewlens/runtime";
import type { QueryExpander } from "./adapters/gateway-query-expander.js";
import { searchImages } from "./domain/image-search.js";
import { MAX_EXPANSIONS } from "./domain/query-expansion.js";
import { normalize } from "./domain/representative-vector.js";
import { isFieldProblem, validateReview, type FieldProblem, type ReviewLimits, type ReviewRecord } from "./domain/review.js";
import { minScore, queryText, queryVector, reviewFilter, topK } from "./request-validation.js";
import type { ReviewIndex } from "./review-index.js";

export interface HandlerOptions {
  index: ReviewIndex;
  /** Absent when query expansion is switched off. */
  expandQuery?: QueryExpander | undefined;
  limits: ReviewLimits;
  uploadBatchSize: number;
  meter: Meter;
}

const MAX_SEARCH_K = 1_000;
const DEFAULT_SEARCH_K = 10;
const DEFAULT_REPRESENTATIVE_K = 20;
const MAX_IMAGE_K = 100;
const DEFAULT_EXPANSIONS = 3;
const MAX_REVIEWS_PER_UPSERT = 1_000;
const MAX_REPORTED_ERRORS = 1_000;
// Share of the aspect query in the selection vector of GetRepresentativeReviews.
const ASPECT_BLEND = 0.5;

function toProtoReview(review: ReviewRecord): common.Review {
  return {
    reviewId: review.reviewId,
    restaurantId: review.restaurantId,
    text: review.text,
    rating: review.rating,
    createdAt: review.createdAt,
    images: review.images,
  };
}

const toScored = (hit: { review: ReviewRecord; score: number }): common.ScoredReview => ({ review: toProtoReview(hit.review), score: hit.score });

/** One review ID twice in a request is a mistake to report, not a replacement to apply silently. */
const duplicateOf = (first: string): FieldProblem => ({ field: "review_id", message: `repeats the review_id of ${first}; each review may appear once per call (it was not stored)` });

const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : "");

export function createVectorSearchHandlers(options: HandlerOptions): vectorsearch.VectorSearchServiceImplementation {
  const { index, limits } = options;
  const dimension = index.embedder.dimension;
  const ingested = options.meter.createCounter("vector_search_reviews", { description: "Reviews received for ingestion, by outcome (stored, unchanged, rejected)" });
  const representativeUpdates = options.meter.createCounter("vector_search_representative_updates", { description: "New versions of restaurant representative vectors" });

  async function store(records: ReviewRecord[], signal: AbortSignal) {
    const outcome = await index.upsert(records, signal);
    ingested.add(outcome.upserted, { outcome: "stored" });
    ingested.add(outcome.unchanged, { outcome: "unchanged" });
    representativeUpdates.add(outcome.restaurantsUpdated.length);
    return outcome;
  }

  /** Throws INVALID_ARGUMENT unless the restaurant has reviews. */
  async function knownRestaurant(restaurantId: string, field: string, signal: AbortSignal) {
    if (restaurantId.trim() === "") throw new InvalidArgumentError(field, "must not be empty");
    const [state] = await index.restaurantStates([restaurantId], signal);
    if (!state || state.reviewCount === 0) throw new InvalidArgumentError(field, `unknown restaurant ${quoted(restaurantId)}: no reviews are stored for it`);
    return state;
  }

  async function embedOne(text: string, signal: AbortSignal): Promise<number[]> {
    const [vector] = await index.embed([text], signal);
    return vector!;
  }

  return {
    async upsertReviews(request, { signal }) {
      if (request.reviews.length === 0) throw new InvalidArgumentError("reviews", "must contain at least one review");
      if (request.reviews.length > MAX_REVIEWS_PER_UPSERT) {
        throw new InvalidArgumentError("reviews", `at most ${MAX_REVIEWS_PER_UPSERT} per call, got ${request.reviews.length}: use UploadReviews for bulk ingestion`);
      }
      const firstAt = new Map<string, number>();
      const records = request.reviews.map((review, i) => {
        const checked = validateReview(review, limits);
        const first = firstAt.get(review.reviewId);
        const problem = isFieldProblem(checked) ? checked : first !== undefined ? duplicateOf(`reviews[${first}]`) : undefined;
        if (problem) {
          ingested.add(request.reviews.length, { outcome: "rejected" });
          throw new InvalidArgumentError(`reviews[${i}].${problem.field}`, problem.message);
        }
        firstAt.set(review.reviewId, i);
        return checked as ReviewRecord;
      });
      const outcome = await store(records, signal);
      return { upserted: outcome.upserted + outcome.unchanged, unchanged: outcome.unchanged, restaurantsUpdated: outcome.restaurantsUpdated.length, errors: [] };
    },

    async uploadReviews(requests, { signal }) {
      const response = { received: 0, upserted: 0, rejected: 0, unchanged: 0, restaurantsUpdated: 0, batches: 0, errors: [] as vectorsearch.ReviewError[] };
      const restaurants = new Set<string>();
      // Positions of the IDs seen in this upload: a later review with one of them is refused.
      const firstAt = new Map<string, number>();
      let batch: ReviewRecord[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const outcome = await store(batch, signal);
        response.upserted += outcome.upserted + outcome.unchanged;
        response.unchanged += outcome.unchanged;
        response.batches++;
        for (const id of outcome.restaurantsUpdated) restaurants.add(id);
        batch = [];
      };
      for await (const message of requests) {
        for (const review of message.reviews) {
          const position = response.received++;
          const checked = validateReview(review, limits);
          const first = firstAt.get(review.reviewId);
          const problem = isFieldProblem(checked) ? checked : first !== undefined ? duplicateOf(`the review at index ${first} of this upload`) : undefined;
          if (problem) {
            response.rejected++;
            ingested.add(1, { outcome: "rejected" });
            if (response.errors.length < MAX_REPORTED_ERRORS) response.errors.push({ reviewId: review.reviewId, index: position, field: problem.field, message: problem.message });
            continue;
          }
          firstAt.set(review.reviewId, position);
          batch.push(checked as ReviewRecord);
          if (batch.length >= options.uploadBatchSize) await flush();
        }
      }
      await flush();
      response.restaurantsUpdated = restaurants.size;
      return response;
    },

    async deleteReviews(request, { signal }) {
      if (request.reviewIds.length === 0) throw new InvalidArgumentError("review_ids", "must contain at least one review ID");
      request.reviewIds.forEach((id, i) => {
        if (id.trim() === "") throw new InvalidArgumentError(`review_ids[${i}]`, "must not be empty");
      });
      const { deleted, notFound } = await index.delete(request.reviewIds, signal);
      return { deleted: deleted.length, notFound };
    },

    async searchSimilarReviews(request, { signal }) {
      const k = topK(request.topK, "top_k", DEFAULT_SEARCH_K, MAX_SEARCH_K);
      const threshold = minScore(request.minScore, "min_score");
      const filter = reviewFilter(request.filter);
      const query = request.query;
      if (query?.$case === "text") queryText(query.value, "text", limits.maxTextChars);
      else if (query?.$case === "vector") queryVector(query.value.values, "vector.values", dimension);
      else throw new InvalidArgumentError("query", "set text or vector");
      // Every check before the embedding: a refused search costs the gateway nothing.
      if (filter.restaurantId) await knownRestaurant(filter.restaurantId, "filter.restaurant_id", signal);
      const vector = query.$case === "text" ? await embedOne(query.value, signal) : query.value.values;
      return { results: (await index.search(vector, filter, { topK: k, minScore: threshold }, signal)).map(toScored) };
    },

    async getRepresentativeReviews(request, { signal }) {
      const k = topK(request.topK, "top_k", DEFAULT_REPRESENTATIVE_K, MAX_SEARCH_K);
      if (request.aspectQuery.length > limits.maxTextChars) throw new InvalidArgumentError("aspect_query", `must be at most ${limits.maxTextChars} characters`);
      if (!Object.values(vectorsearch.Polarity).includes(request.polarity)) throw new InvalidArgumentError("polarity", `unknown value ${request.polarity}`);
      const state = await knownRestaurant(request.restaurantId, "restaurant_id", signal);
      let vector = state.vector;
      if (request.aspectQuery.trim() !== "") {
        const aspect = await embedOne(request.aspectQuery, signal);
        vector = normalize(vector.map((x, i) => (1 - ASPECT_BLEND) * x + ASPECT_BLEND * aspect[i]!));
      }
      const rating =
        request.polarity === vectorsearch.Polarity.POLARITY_POSITIVE ? { min: 4, max: 5 } : request.polarity === vectorsearch.Polarity.POLARITY_NEGATIVE ? { min: 1, max: 2 } : undefined;
      const { hits, texts: allTexts } = request.includeAllTexts
        ? await index.searchWithTexts(vector, request.restaurantId, rating, k, state.reviewCount, signal)
        : { hits: await index.search(vector, { restaurantId: request.restaurantId, ...(rating ? { rating } : {}) }, { topK: k }, signal), texts: [] };
      return { reviews: hits.map(toScored), totalReviews: state.reviewCount, vectorVersion: state.version, allReviewTexts: allTexts };
    },

    async searchImages(request, { signal }) {
      const query = queryText(request.query, "query", limits.maxTextChars);
      const k = topK(request.topK, "top_k", DEFAULT_SEARCH_K, MAX_IMAGE_K);
      const expansions = request.expansions ?? DEFAULT_EXPANSIONS;
      if (expansions > MAX_EXPANSIONS) throw new InvalidArgumentError("expansions", `must be from 0 to ${MAX_EXPANSIONS}, got ${expansions}`);
      if (request.restaurantId) await knownRestaurant(request.restaurantId, "restaurant_id", signal);
      const expandQuery = options.expandQuery;
      const result = await searchImages(
        { query, topK: k, expansions: expandQuery ? expansions : 0 },
        {
          expand: (q, n, s) => (expandQuery ? expandQuery(q, n, s) : Promise.resolve([])),
          searchEach: async (queries, limit, s) => {
            const vectors = await index.embed(queries, s);
            return Promise.all(vectors.map((v) => index.searchImages(v, request.restaurantId || undefined, limit, s)));
          },
        },
        signal,
      );
      return {
        images: result.images.map((i) => ({ imageId: i.imageId, url: i.url, caption: i.caption, reviewId: i.reviewId, restaurantId: i.restaurantId, score: i.score, matchedQueries: i.matchedQueries })),
        expandedQueries: result.expandedQueries,
        expansionError: result.expansionError ?? "",
      };
    },

    async getRestaurantStats(request, { signal }) {
      request.restaurantIds.forEach((id, i) => {
        if (id.trim() === "") throw new InvalidArgumentError(`restaurant_ids[${i}]`, "must not be empty");
      });
      const ids = request.restaurantIds.length > 0 ? [...new Set(request.restaurantIds)] : undefined;
      const states = new Map((await index.restaurantStates(ids, signal)).map((s) => [s.restaurantId, s]));
      // Restaurants never seen are reported with zero reviews: the scheduler asks about its own list.
      const order = ids ?? [...states.keys()].sort();
      return {
        restaurants: order.map((id) => {
          const s = states.get(id);
          return { restaurantId: id, reviewCount: s?.reviewCount ?? 0, vectorVersion: s?.version ?? 0, lastReviewAt: iso(s?.lastReviewAtMs ?? 0), drift: s?.drift ?? 0 };
        }),
      };
    },
  };
}
