// vector-search as a real process on loopback ports with its embedded LanceDB store.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createHashingEmbedder } from "@reviewlens/embedder";
import { vectorsearch, type common } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { runToExit, startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";
import { ClientError, Status } from "nice-grpc";
import { fixtureReviews, RESTAURANTS } from "./review-fixtures.js";

const ENTRY = "services/vector-search/src/main.ts";
const embedder = createHashingEmbedder();
const DAY = 86_400_000;

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const unit = (v: number[]) => {
  const n = Math.sqrt(dot(v, v));
  return v.map((x) => x / n);
};

/** The documented weights (docs/components/vector-search.md), written out independently: 2^(-age/180 days) x clamp(sqrt(chars/200), 0.2, 1). */
function expectedRepresentative(reviews: common.Review[]): number[] {
  const sum = new Array<number>(embedder.dimension).fill(0);
  for (const r of reviews) {
    const age = (Date.UTC(2026, 0, 1) - Date.parse(r.createdAt)) / DAY;
    const weight = 2 ** (-age / 180) * Math.max(0.2, Math.min(1, Math.sqrt([...r.text.trim()].length / 200)));
    embedder.embedOne(r.text).forEach((x, i) => (sum[i]! += weight * x));
  }
  return unit(sum);
}

async function rejectsInvalid(call: Promise<unknown>, field: string) {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof ClientError, String(error));
    assert.equal(error.code, Status.INVALID_ARGUMENT, error.details);
    assert.ok(error.details.includes(field), `"${error.details}" should name ${field}`);
    return true;
  });
}

describe("vector-search service", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "reviewlens-vs-"));
  const reviews = fixtureReviews(20);
  let service: ServiceProcess;
  let client: ReturnType<typeof createServiceClient<typeof vectorsearch.VectorSearchServiceDefinition>>["client"];
  let close: () => void;

  before(async () => {
    // The gateway address points at a closed port: query expansion must fail soft.
    service = await startServiceProcess({ entry: ENTRY, env: { DATA_DIR: dataDir, GATEWAY_ADDR: "127.0.0.1:1", VECTOR_SEARCH_UPLOAD_BATCH_REVIEWS: "7" }, timeoutMs: 120_000 });
    const c = createServiceClient(vectorsearch.VectorSearchServiceDefinition, service.address, { defaultDeadlineMs: 30_000 });
    client = c.client;
    close = () => c.channel.close();
  });
  after(async () => {
    close();
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const stats = async () => (await client.getRestaurantStats({ restaurantIds: [] })).restaurants;

  it("ingests reviews and keeps one representative vector version per change", async () => {
    const first = await client.upsertReviews({ reviews: reviews.slice(0, 30) });
    assert.equal(first.upserted, 30);
    assert.equal(first.unchanged, 0);
    const second = await client.upsertReviews({ reviews: reviews.slice(30) });
    assert.equal(second.upserted, 30);
    const byId = new Map((await stats()).map((s) => [s.restaurantId, s]));
    assert.deepEqual([...byId.keys()].sort(), [...RESTAURANTS].sort());
    for (const restaurant of RESTAURANTS) {
      const own = reviews.filter((r) => r.restaurantId === restaurant);
      const s = byId.get(restaurant)!;
      assert.equal(s.reviewCount, 20);
      assert.ok(s.vectorVersion >= 1);
      assert.equal(s.lastReviewAt, new Date(Math.max(...own.map((r) => Date.parse(r.createdAt)))).toISOString());
    }
    const metrics = await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();
    assert.match(metrics, /^vector_search_reviews_total\{outcome="stored"[^}]*\} 60$/m);
    assert.match(metrics, /^vector_search_representative_updates_total(\{[^}]*\})? [1-9]/m);
  });

  it("re-uploading the same reviews duplicates nothing and changes no version", async () => {
    const before = await stats();
    const again = await client.upsertReviews({ reviews: reviews.slice(0, 30) });
    assert.equal(again.upserted, 30);
    assert.equal(again.unchanged, 30);
    assert.equal(again.restaurantsUpdated, 0);
    assert.deepEqual(await stats(), before);
    const all = await client.getRepresentativeReviews({ restaurantId: "noodle", topK: 1000, includeAllTexts: true });
    assert.equal(all.reviews.length, 20);
    assert.equal(all.allReviewTexts.length, 20);
  });

  it("returns the TOP-K reviews nearest the representative vector, as brute force finds them", async () => {
    for (const restaurant of RESTAURANTS) {
      const own = reviews.filter((r) => r.restaurantId === restaurant);
      const rep = expectedRepresentative(own);
      const expected = own.map((r) => ({ id: r.reviewId, score: dot(rep, embedder.embedOne(r.text)) })).sort((a, b) => b.score - a.score);
      const response = await client.getRepresentativeReviews({ restaurantId: restaurant, topK: 5 });
      assert.equal(response.totalReviews, 20);
      assert.equal(response.reviews.length, 5);
      response.reviews.forEach((hit, i) => {
        assert.ok(Math.abs(hit.score - expected[i]!.score) < 1e-4, `${restaurant} #${i}: ${hit.score} vs ${expected[i]!.score}`);
        const own = expected.find((e) => e.id === hit.review!.reviewId)!;
        assert.ok(own.score >= expected[5]!.score - 1e-6, `${hit.review!.reviewId} is not among the 5 nearest`);
      });
      assert.equal(response.allReviewTexts.length, 0);
    }
  });

  it("defaults to K = 20, selects by polarity and leans towards an aspect query", async () => {
    const defaultK = await client.getRepresentativeReviews({ restaurantId: "bbq" });
    assert.equal(defaultK.reviews.length, 20);
    const positive = await client.getRepresentativeReviews({ restaurantId: "bbq", topK: 50, polarity: vectorsearch.Polarity.POLARITY_POSITIVE });
    assert.equal(positive.reviews.length, reviews.filter((r) => r.restaurantId === "bbq" && r.rating >= 4).length);
    assert.ok(positive.reviews.every((r) => r.review!.rating >= 4));
    const negative = await client.getRepresentativeReviews({ restaurantId: "bbq", topK: 50, polarity: vectorsearch.Polarity.POLARITY_NEGATIVE });
    assert.ok(negative.reviews.length > 0 && negative.reviews.every((r) => r.review!.rating <= 2));
    const aspect = await client.getRepresentativeReviews({ restaurantId: "bbq", topK: 3, aspectQuery: "연기가 많이 나요" });
    assert.ok(aspect.reviews.every((r) => r.review!.text.includes("연기")), aspect.reviews.map((r) => r.review!.text).join(" | "));
  });

  it("searches by text and by vector with restaurant, rating, date and image filters", async () => {
    const byText = await client.searchSimilarReviews({ query: { $case: "text", value: "라떼가 고소해요" }, topK: 3 });
    assert.equal(byText.results.length, 3);
    assert.ok(byText.results.every((r) => r.review!.restaurantId === "cafe"));
    assert.ok(byText.results[0]!.score >= byText.results[1]!.score);

    const from = "2024-06-01T00:00:00Z";
    const to = "2025-06-01T00:00:00Z";
    const vector = embedder.embedOne("고기");
    const filtered = await client.searchSimilarReviews({
      query: { $case: "vector", value: { values: vector } },
      filter: { rating: { min: 2, max: 4 }, created: { from, to }, withImages: true },
      topK: 1000,
    });
    const expected = reviews.filter((r) => r.rating >= 2 && r.rating <= 4 && r.createdAt >= from && r.createdAt < to && r.images.length > 0);
    assert.ok(expected.length >= 3);
    assert.deepEqual(filtered.results.map((r) => r.review!.reviewId).sort(), expected.map((r) => r.reviewId).sort());
    assert.deepEqual(filtered.results[0]!.review!.images, expected.find((r) => r.reviewId === filtered.results[0]!.review!.reviewId)!.images);

    const one = await client.searchSimilarReviews({ query: { $case: "text", value: "맛있어요" }, filter: { restaurantId: "noodle" }, topK: 1000 });
    assert.equal(one.results.length, 20);
    assert.ok(one.results.every((r) => r.review!.restaurantId === "noodle"));
  });

  it("cuts similar reviews at min_score: the hits of the search without it that reach it, same order and scores", async () => {
    const searches = [
      { query: { $case: "text" as const, value: "국물이 진하고 시원해요" }, topK: 1000 },
      { query: { $case: "text" as const, value: "고기가 맛있어요" }, topK: 15 },
      { query: { $case: "text" as const, value: "커피 향" }, filter: { restaurantId: "cafe", rating: { min: 3, max: 5 } }, topK: 1000 },
    ];
    for (const search of searches) {
      const all = (await client.searchSimilarReviews(search)).results;
      assert.ok(all.length >= 8, `${all.length} hits`);
      // Thresholds exactly at returned scores (the cut is inclusive), one above every hit, and -1.
      for (const minScore of [all[0]!.score, all[5]!.score, all.at(-1)!.score, all[0]!.score + 1e-3, -1]) {
        const cut = (await client.searchSimilarReviews({ ...search, minScore })).results;
        assert.deepEqual(cut, all.filter((r) => r.score >= minScore), `${search.query.value} at ${minScore}`);
      }
    }
    const some = (await client.searchSimilarReviews({ ...searches[0]!, minScore: 0.3 })).results;
    assert.ok(some.length > 0 && some.length < 60, `a threshold of 0.3 keeps some of the 60 reviews, not all: ${some.length}`);
  });

  it("finds photos by caption and says why query expansion was not used", async () => {
    const response = await client.searchImages({ query: "카페라떼 라떼 아트", topK: 3 });
    assert.ok(response.images.length > 0);
    assert.equal(response.images[0]!.restaurantId, "cafe");
    assert.match(response.images[0]!.caption, /라떼/);
    assert.deepEqual(response.expandedQueries, []);
    assert.notEqual(response.expansionError, "");
    const withoutExpansion = await client.searchImages({ query: "삼겹살", topK: 2, expansions: 0, restaurantId: "bbq" });
    assert.equal(withoutExpansion.expansionError, "");
    assert.ok(withoutExpansion.images.every((i) => i.restaurantId === "bbq"));
    assert.equal(new Set(withoutExpansion.images.map((i) => i.url)).size, withoutExpansion.images.length);
  });

  it("rejects bad input with INVALID_ARGUMENT naming the field and writes nothing", async () => {
    const before = await stats();
    const good = reviews[0]!;
    const bad = (patch: Partial<common.Review>) => client.upsertReviews({ reviews: [{ ...good, reviewId: "new-1", restaurantId: "new-restaurant" }, { ...good, reviewId: "new-2", ...patch }] });
    await rejectsInvalid(bad({ text: "  " }), "reviews[1].text");
    await rejectsInvalid(bad({ text: "가".repeat(5001) }), "reviews[1].text");
    await rejectsInvalid(bad({ rating: 0 }), "reviews[1].rating");
    await rejectsInvalid(bad({ rating: 6 }), "reviews[1].rating");
    await rejectsInvalid(bad({ createdAt: "yesterday" }), "reviews[1].created_at");
    await rejectsInvalid(bad({ reviewId: "" }), "reviews[1].review_id");
    await rejectsInvalid(bad({ restaurantId: "" }), "reviews[1].restaurant_id");
    await rejectsInvalid(bad({ reviewId: "new-1" }), "reviews[1].review_id: repeats the review_id of reviews[0]");
    await rejectsInvalid(client.upsertReviews({ reviews: [] }), "reviews");
    await rejectsInvalid(client.getRepresentativeReviews({ restaurantId: "nowhere" }), "restaurant_id");
    await rejectsInvalid(client.getRepresentativeReviews({ restaurantId: "noodle", topK: 1001 }), "top_k");
    await rejectsInvalid(client.searchSimilarReviews({ query: { $case: "vector", value: { values: [1, 2, 3] } } }), "vector.values");
    await rejectsInvalid(client.searchSimilarReviews({ query: { $case: "text", value: "" } }), "text");
    await rejectsInvalid(client.searchSimilarReviews({}), "query");
    await rejectsInvalid(client.searchSimilarReviews({ query: { $case: "text", value: "국물" }, topK: 5000 }), "top_k");
    for (const minScore of [1.5, -1.01, Number.NaN, Infinity]) {
      await rejectsInvalid(client.searchSimilarReviews({ query: { $case: "text", value: "국물" }, minScore }), "min_score: must be a cosine similarity from -1 to 1");
    }
    await rejectsInvalid(client.searchSimilarReviews({ query: { $case: "text", value: "국물" }, filter: { restaurantId: "nowhere" } }), "filter.restaurant_id");
    await rejectsInvalid(client.searchSimilarReviews({ query: { $case: "text", value: "국물" }, filter: { rating: { min: 4, max: 2 } } }), "filter.rating");
    await rejectsInvalid(client.searchSimilarReviews({ query: { $case: "text", value: "국물" }, filter: { created: { from: "2024-13-01", to: "" } } }), "filter.created.from");
    await rejectsInvalid(client.searchImages({ query: "" }), "query");
    await rejectsInvalid(client.searchImages({ query: "국물", expansions: 11 }), "expansions");
    await rejectsInvalid(client.deleteReviews({ reviewIds: [] }), "review_ids");
    assert.deepEqual(await stats(), before);
  });

  it("streams an upload from a raw @grpc/proto-loader client, reporting per-review errors and repeated IDs", async () => {
    const { uploadWithProtoLoader } = await import("./proto-loader-client.js");
    const streamed = fixtureReviews(30).filter((r) => Number(r.reviewId.split("-").pop()) >= 20);
    const messages = [
      { reviews: streamed.slice(0, 10).map(toWire) },
      { reviews: [{ ...toWire(streamed[10]!), rating: 9 }, { ...toWire(streamed[11]!), text: "" }] },
      { reviews: streamed.slice(12).map(toWire) },
      // The first review's ID again, in a later message and batch: refused, the first stands.
      { reviews: [{ ...toWire(streamed[0]!), text: "다시 보낸 리뷰" }] },
    ];
    const response = await uploadWithProtoLoader(service.address, messages);
    assert.equal(response.received, 31);
    assert.equal(response.rejected, 3);
    assert.equal(response.upserted, 28);
    assert.ok(response.batches >= 4, `batches ${response.batches}`);
    assert.equal(response.restaurants_updated, 3);
    assert.deepEqual(response.errors.map((e) => [e.index, e.field, e.review_id]), [
      [10, "rating", streamed[10]!.reviewId],
      [11, "text", streamed[11]!.reviewId],
      [30, "review_id", streamed[0]!.reviewId],
    ]);
    const counts = new Map((await stats()).map((s) => [s.restaurantId, s.reviewCount]));
    assert.equal([...counts.values()].reduce((a, b) => a + b, 0), 60 + 28);
  });

  it("deletes reviews, reports unknown IDs and moves the representative vector", async () => {
    const [before] = (await client.getRestaurantStats({ restaurantIds: ["noodle"] })).restaurants;
    const result = await client.deleteReviews({ reviewIds: ["noodle-19", "noodle-0", "noodle-0", "no-such-review"] });
    assert.equal(result.deleted, 2);
    assert.deepEqual(result.notFound, ["no-such-review"]);
    const [after] = (await client.getRestaurantStats({ restaurantIds: ["noodle", "never-seen"] })).restaurants;
    assert.equal(after!.reviewCount, before!.reviewCount - 2);
    assert.equal(after!.vectorVersion, before!.vectorVersion + 1);
    assert.ok(after!.drift > 0);
    const search = await client.searchSimilarReviews({ query: { $case: "text", value: reviews[0]!.text }, filter: { restaurantId: "noodle" }, topK: 1000 });
    assert.ok(!search.results.some((r) => ["noodle-19", "noodle-0"].includes(r.review!.reviewId)));
    const unknown = (await client.getRestaurantStats({ restaurantIds: ["never-seen"] })).restaurants;
    assert.deepEqual(unknown.map((s) => [s.restaurantId, s.reviewCount, s.vectorVersion]), [["never-seen", 0, 0]]);
  });

  it("keeps its data across a restart and refuses to start with another embedding dimension", async () => {
    const counted = await stats();
    await service.stop();
    const refused = await runToExit(ENTRY, { DATA_DIR: dataDir, VECTOR_SEARCH_EMBEDDING_DIMENSION: "128", GRPC_PORT: "0", METRICS_PORT: "0", HOST: "127.0.0.1" });
    assert.equal(refused.code, 2);
    assert.match(refused.stdout + refused.stderr, /384-dimensional vectors but the embedder produces 128/);
    service = await startServiceProcess({ entry: ENTRY, env: { DATA_DIR: dataDir, VECTOR_SEARCH_QUERY_EXPANSION: "false" }, timeoutMs: 120_000 });
    close();
    const c = createServiceClient(vectorsearch.VectorSearchServiceDefinition, service.address, { defaultDeadlineMs: 30_000 });
    client = c.client;
    close = () => c.channel.close();
    assert.deepEqual(await stats(), counted);
  });
});

function toWire(review: common.Review) {
  return {
    review_id: review.reviewId,
    restaurant_id: review.restaurantId,
    text: review.text,
    rating: review.rating,
    created_at: review.createdAt,
    images: review.images.map((i) => ({ image_id: i.imageId, url: i.url, caption: i.caption })),
  };
}
