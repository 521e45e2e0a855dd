// vector-search's RPCs: UpsertReviews, UploadReviews, DeleteReviews, SearchSimilarReviews,
// GetRepresentativeReviews, SearchImages, GetRestaurantStats.
import { vectorsearch, type common } from "@reviewlens/contracts";
import fc from "fast-check";
import { anyDate, anyDouble, anyEnum, anyFloat32, anyString, anyUint32, hugeString, MB, reviewText, validDate } from "./fuzz-values.js";
import { rpcSpec, type FuzzContext, type Mutation, type RpcSpec } from "./rpc-spec.js";

type Review = common.Review;
const DIMENSION = 384;

/** A valid new review of a fuzz restaurant (its own ID space: fz-...). */
const validReview = (ctx: FuzzContext): fc.Arbitrary<Review> =>
  fc.record({
    reviewId: fc.string({ unit: fc.constantFrom(..."abcdef0123456789"), minLength: 4, maxLength: 12 }).map((s) => `fz-${s}`),
    restaurantId: fc.constantFrom(...ctx.restaurants, "fz-restaurant"),
    text: reviewText,
    rating: fc.integer({ min: 1, max: 5 }),
    createdAt: validDate,
    images: fc.array(fc.record({ imageId: fc.constantFrom("i1", "i2"), url: fc.constant("https://img.example/1.jpg"), caption: fc.constantFrom("", "국수 사진") }), { maxLength: 2 }).map((images) => images.filter((img, i) => images.findIndex((o) => o.imageId === img.imageId) === i)),
  });

const boundaryReview: fc.Arbitrary<common.DeepPartial<Review>> = fc.record(
  {
    reviewId: anyString(),
    restaurantId: anyString(),
    text: anyString(true),
    rating: anyUint32,
    createdAt: anyDate,
    images: fc.array(fc.record({ imageId: anyString(), url: anyString(), caption: anyString() }, { requiredKeys: [] }), { maxLength: 25 }),
  },
  { requiredKeys: [] },
);

/** One review made bad in one field: the review and the field path within it. */
const reviewMutation = (ctx: FuzzContext): fc.Arbitrary<{ review: Review; field: string }> =>
  fc.tuple(validReview(ctx), fc.nat()).map(([r, pick]) => {
    const image = { imageId: "i1", url: "u", caption: "c" };
    const cases: Array<[Partial<Review>, string]> = [
      [{ reviewId: "" }, "review_id"],
      [{ reviewId: " " }, "review_id"],
      [{ reviewId: hugeString(300, "x") }, "review_id"],
      [{ restaurantId: "" }, "restaurant_id"],
      [{ text: "" }, "text"],
      [{ text: hugeString(MB) }, "text"],
      [{ rating: 0 }, "rating"],
      [{ rating: 6 }, "rating"],
      [{ rating: 2 ** 32 - 1 }, "rating"],
      [{ createdAt: "" }, "created_at"],
      [{ createdAt: "2024-13-01T00:00:00Z" }, "created_at"],
      [{ createdAt: "yesterday" }, "created_at"],
      [{ createdAt: hugeString(MB / 2, "9") }, "created_at"],
      [{ images: Array.from({ length: 21 }, (_, i) => ({ ...image, imageId: `i${i}` })) }, "images"],
      [{ images: [{ ...image, imageId: "" }] }, "images[0].image_id"],
      [{ images: [image, image] }, "images[1].image_id"],
      [{ images: [{ ...image, caption: hugeString(6_000, "a") }] }, "images[0].caption"],
    ];
    const [change, field] = cases[pick % cases.length]!;
    return { review: { ...r, ...change }, field };
  });

const reviewBatch = (ctx: FuzzContext) => fc.array(validReview(ctx), { minLength: 1, maxLength: 4 }).map((reviews) => reviews.filter((r, i) => reviews.findIndex((o) => o.reviewId === r.reviewId) === i));

/** A batch with a bad review at a random position: the path names that position. */
const mutatedBatch = (ctx: FuzzContext) =>
  fc.tuple(reviewBatch(ctx), reviewMutation(ctx), fc.nat()).map(([batch, { review, field }, at]) => {
    const index = at % (batch.length + 1);
    const reviews = [...batch.slice(0, index), review, ...batch.slice(index)];
    return { reviews, index, field };
  });

const queryVector = fc.oneof(
  fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: DIMENSION, maxLength: DIMENSION }),
  fc.array(anyFloat32, { maxLength: 400 }),
);

const validFilter = (ctx: FuzzContext) =>
  fc.record(
    {
      restaurantId: fc.constantFrom("", ...ctx.restaurants),
      rating: fc.record({ min: fc.integer({ min: 0, max: 3 }), max: fc.integer({ min: 3, max: 5 }) }),
      created: fc.record({ from: fc.constantFrom("", "2015-01-01T00:00:00Z"), to: fc.constantFrom("", "2030-01-01T00:00:00Z") }),
      withImages: fc.boolean(),
    },
    { requiredKeys: [] },
  );

const boundaryFilter = fc.record(
  { restaurantId: anyString(), rating: fc.record({ min: anyUint32, max: anyUint32 }), created: fc.record({ from: anyDate, to: anyDate }), withImages: fc.boolean() },
  { requiredKeys: [] },
);

const pickCase = <T>(cases: Array<[T, string, ("INVALID_ARGUMENT" | "NOT_FOUND")?]>, pick: number): Mutation<T> => {
  const [message, field, code] = cases[pick % cases.length]!;
  return { messages: [message], field, ...(code ? { code } : {}) };
};

/** UploadReviews answers OK and lists the reviews it refused: their field paths. */
const uploadRefusals = (answers: unknown[]): string[] => {
  const answer = answers[0] as vectorsearch.UploadReviewsResponse | undefined;
  return answer ? answer.errors.map((e) => e.field) : [];
};

export const vectorSearchSpecs: RpcSpec[] = [
  rpcSpec("vectorSearch", vectorsearch.VectorSearchServiceDefinition, "upsertReviews", {
    valid: (ctx) => reviewBatch(ctx).map((reviews) => [{ reviews }]),
    boundary: () => fc.array(boundaryReview, { maxLength: 3 }).map((reviews) => [{ reviews }]),
    mutations: (ctx) =>
      fc.oneof(
        mutatedBatch(ctx).map(({ reviews, index, field }): Mutation<vectorsearch.DeepPartial<vectorsearch.UpsertReviewsRequest>> => ({ messages: [{ reviews }], field: `reviews[${index}].${field}` })),
        fc.constant<Mutation<vectorsearch.DeepPartial<vectorsearch.UpsertReviewsRequest>>>({ messages: [{ reviews: [] }], field: "reviews" }),
      ),
  }),
  rpcSpec("vectorSearch", vectorsearch.VectorSearchServiceDefinition, "uploadReviews", {
    valid: (ctx) => fc.array(reviewBatch(ctx), { minLength: 1, maxLength: 3 }).map((batches) => batches.map((reviews) => ({ reviews }))),
    boundary: () => fc.array(fc.array(boundaryReview, { maxLength: 3 }), { maxLength: 3 }).map((batches) => batches.map((reviews) => ({ reviews }))),
    // Every review of the upload is bad: nothing may be stored, each refusal names its field.
    mutations: (ctx) =>
      fc.array(reviewMutation(ctx), { minLength: 1, maxLength: 4 }).map((bad): Mutation<vectorsearch.DeepPartial<vectorsearch.UploadReviewsRequest>> => ({
        messages: bad.map(({ review }) => ({ reviews: [review] })),
        field: bad.map(({ field }) => field).join(","),
      })),
    refusedInAnswer: uploadRefusals,
  }),
  rpcSpec("vectorSearch", vectorsearch.VectorSearchServiceDefinition, "deleteReviews", {
    // Deletes only IDs that do not exist (the seed data stays): a valid call that changes nothing.
    valid: () => fc.array(fc.string({ minLength: 1, maxLength: 12 }).map((s) => `missing-${s}`), { minLength: 1, maxLength: 5 }).map((reviewIds) => [{ reviewIds }]),
    boundary: () => fc.array(anyString(), { maxLength: 5 }).map((reviewIds) => [{ reviewIds: reviewIds.map((id) => (id.trim() === "" ? id : `missing-${id}`)) }]),
    mutations: (ctx) =>
      fc.tuple(fc.subarray([...ctx.reviewIds], { minLength: 1, maxLength: 3 }), fc.nat()).map(([ids, pick]) =>
        pickCase<vectorsearch.DeepPartial<vectorsearch.DeleteReviewsRequest>>(
          [
            [{ reviewIds: [] }, "review_ids"],
            [{ reviewIds: [...ids, ""] }, `review_ids[${ids.length}]`],
            [{ reviewIds: [" ", ...ids] }, "review_ids[0]"],
          ],
          pick,
        ),
      ),
  }),
  rpcSpec("vectorSearch", vectorsearch.VectorSearchServiceDefinition, "searchSimilarReviews", {
    valid: (ctx) =>
      fc
        .record({
          query: fc.oneof(reviewText.map((value) => ({ $case: "text" as const, value })), fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: DIMENSION, maxLength: DIMENSION }).filter((v) => v.some((x) => x !== 0)).map((values) => ({ $case: "vector" as const, value: { values } }))),
          filter: validFilter(ctx),
          topK: fc.integer({ min: 0, max: 1_000 }),
          minScore: fc.double({ min: -1, max: 1, noNaN: true }),
        })
        .map((m) => [m]),
    boundary: () =>
      fc
        .record({ query: fc.oneof(anyString(true).map((value) => ({ $case: "text" as const, value })), queryVector.map((values) => ({ $case: "vector" as const, value: { values } }))), filter: boundaryFilter, topK: anyUint32, minScore: anyDouble }, { requiredKeys: [] })
        .map((m) => [m]),
    mutations: () =>
      fc.nat().map((pick) => {
        const text = { $case: "text" as const, value: "국물" };
        return pickCase<vectorsearch.DeepPartial<vectorsearch.SearchSimilarReviewsRequest>>(
          [
            [{}, "query"],
            [{ query: { $case: "text", value: " " } }, "text"],
            [{ query: { $case: "text", value: hugeString(MB) } }, "text"],
            [{ query: { $case: "vector", value: { values: [1, 2, 3] } } }, "vector.values"],
            [{ query: { $case: "vector", value: { values: Array.from({ length: DIMENSION }, (_, i) => (i === 0 ? Number.NaN : 1)) } } }, "vector.values"],
            [{ query: { $case: "vector", value: { values: Array.from({ length: DIMENSION }, () => 0) } } }, "vector.values"],
            [{ query: text, topK: 1_001 }, "top_k"],
            [{ query: text, minScore: 1.5 }, "min_score"],
            [{ query: text, minScore: -1.01 }, "min_score"],
            [{ query: text, minScore: Number.NaN }, "min_score"],
            [{ query: text, filter: { rating: { min: 7, max: 0 } } }, "filter.rating.min"],
            [{ query: text, filter: { rating: { min: 4, max: 2 } } }, "filter.rating"],
            [{ query: text, filter: { created: { from: "not a date", to: "" } } }, "filter.created.from"],
            [{ query: text, filter: { created: { from: "2026-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z" } } }, "filter.created"],
            [{ query: text, filter: { restaurantId: "fz-no-such-restaurant" } }, "filter.restaurant_id"],
          ],
          pick,
        );
      }),
  }),
  rpcSpec("vectorSearch", vectorsearch.VectorSearchServiceDefinition, "getRepresentativeReviews", {
    valid: (ctx) =>
      fc
        .record({
          restaurantId: fc.constantFrom(...ctx.restaurants),
          topK: fc.integer({ min: 0, max: 30 }),
          polarity: fc.constantFrom(0, 1, 2),
          aspectQuery: fc.constantFrom("", "맛", "service"),
          includeAllTexts: fc.boolean(),
        })
        .map((m) => [m]),
    boundary: () => fc.record({ restaurantId: anyString(), topK: anyUint32, polarity: anyEnum([0, 1, 2]), aspectQuery: anyString(true), includeAllTexts: fc.boolean() }, { requiredKeys: [] }).map((m) => [m]),
    mutations: (ctx) =>
      fc.tuple(fc.constantFrom(...ctx.restaurants), fc.nat()).map(([restaurantId, pick]) =>
        pickCase<vectorsearch.DeepPartial<vectorsearch.GetRepresentativeReviewsRequest>>(
          [
            [{ restaurantId: "" }, "restaurant_id"],
            [{ restaurantId: "fz-no-such-restaurant" }, "restaurant_id"],
            [{ restaurantId, topK: 1_001 }, "top_k"],
            [{ restaurantId, polarity: 9 as vectorsearch.Polarity }, "polarity"],
            [{ restaurantId, aspectQuery: hugeString(MB) }, "aspect_query"],
          ],
          pick,
        ),
      ),
  }),
  rpcSpec("vectorSearch", vectorsearch.VectorSearchServiceDefinition, "searchImages", {
    valid: (ctx) => fc.record({ query: reviewText, restaurantId: fc.constantFrom("", ...ctx.restaurants), topK: fc.integer({ min: 0, max: 100 }), expansions: fc.constantFrom(0) }).map((m) => [m]),
    boundary: () => fc.record({ query: anyString(true), restaurantId: anyString(), topK: anyUint32, expansions: anyUint32 }, { requiredKeys: [] }).map((m) => [m]),
    mutations: () =>
      fc.nat().map((pick) =>
        pickCase<vectorsearch.DeepPartial<vectorsearch.SearchImagesRequest>>(
          [
            [{ query: "" }, "query"],
            [{ query: hugeString(MB) }, "query"],
            [{ query: "국수", topK: 101 }, "top_k"],
            [{ query: "국수", expansions: 11 }, "expansions"],
            [{ query: "국수", restaurantId: "fz-no-such-restaurant" }, "restaurant_id"],
          ],
          pick,
        ),
      ),
  }),
  rpcSpec("vectorSearch", vectorsearch.VectorSearchServiceDefinition, "getRestaurantStats", {
    valid: (ctx) => fc.subarray([...ctx.restaurants, "fz-unknown"]).map((restaurantIds) => [{ restaurantIds }]),
    boundary: () => fc.array(anyString(), { maxLength: 6 }).map((restaurantIds) => [{ restaurantIds }]),
    mutations: (ctx) => fc.constantFrom(...ctx.restaurants).map((id): Mutation<vectorsearch.DeepPartial<vectorsearch.GetRestaurantStatsRequest>> => ({ messages: [{ restaurantIds: [id, ""] }], field: "restaurant_ids[1]" })),
  }),
];
