import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createHashingEmbedder } from "@reviewlens/embedder";
import { openLanceDbVectorStore } from "./adapters/lancedb-vector-store.js";
import { DEFAULT_WEIGHT_POLICY } from "./domain/representative-vector.js";
import type { ReviewRecord } from "./domain/review.js";
import { ReviewIndex } from "./review-index.js";

const review = (id: string, restaurantId: string, text: string, createdAt: string): ReviewRecord => ({
  reviewId: id,
  restaurantId,
  text,
  rating: 4,
  createdAt,
  createdAtMs: Date.parse(createdAt),
  images: [],
});

describe("ReviewIndex on LanceDB", () => {
  const directory = mkdtempSync(join(tmpdir(), "reviewlens-index-"));
  const embedder = createHashingEmbedder();
  let index: ReviewIndex;
  const state = async (id: string) => (await index.restaurantStates([id]))[0]!;

  before(async () => {
    index = await ReviewIndex.open(await openLanceDbVectorStore(directory), embedder, DEFAULT_WEIGHT_POLICY);
  });
  after(async () => {
    await index.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("moves a review between restaurants: it leaves the old vector and joins the new one", async () => {
    await index.upsert([
      review("a", "r1", "국물이 진하고 맛있어요", "2025-01-01T00:00:00Z"),
      review("b", "r1", "주차가 불편해요", "2025-02-01T00:00:00Z"),
      review("c", "r2", "디저트가 훌륭해요", "2025-03-01T00:00:00Z"),
    ]);
    const [r1Before, r2Before] = [await state("r1"), await state("r2")];
    const outcome = await index.upsert([review("b", "r2", "주차가 불편해요", "2025-02-01T00:00:00Z")]);
    assert.deepEqual(outcome.restaurantsUpdated.sort(), ["r1", "r2"]);
    const [r1, r2] = [await state("r1"), await state("r2")];
    assert.equal(r1.reviewCount, 1);
    assert.equal(r2.reviewCount, 2);
    assert.equal(r1.version, r1Before.version + 1);
    assert.equal(r2.version, r2Before.version + 1);
    // Only "a" is left in r1: its representative vector is a's embedding.
    const a = embedder.embedOne("국물이 진하고 맛있어요");
    r1.vector.forEach((x, i) => assert.ok(Math.abs(x - a[i]!) < 1e-5));
    assert.equal(new Date(r1.lastReviewAtMs).toISOString(), "2025-01-01T00:00:00.000Z");
  });

  it("recomputes the newest review time when the newest review is deleted", async () => {
    const { deleted } = await index.delete(["c"]);
    assert.deepEqual(deleted, ["c"]);
    const r2 = await state("r2");
    assert.equal(r2.reviewCount, 1);
    assert.equal(new Date(r2.lastReviewAtMs).toISOString(), "2025-02-01T00:00:00.000Z");
  });

  it("keeps a restaurant whose reviews are all deleted at zero reviews with a new version", async () => {
    const before = await state("r1");
    await index.delete(["a"]);
    const r1 = await state("r1");
    assert.equal(r1.reviewCount, 0);
    assert.equal(r1.totalWeight, 0);
    assert.equal(r1.version, before.version + 1);
    assert.deepEqual(await index.restaurantReviews("r1"), []);
  });

  it("gives a restaurant's TOP-K within a rating and all its texts, oldest first, in one read as in two, and in two when more reviews came than expected", async () => {
    const texts = ["면이 쫄깃해요", "국물이 짜요", "친절해요", "양이 많아요", "비싸요", "면이 불었어요", "뷰가 좋아요"];
    // Stored newest first, so the texts' order comes from created_at, not from how they were written.
    await index.upsert(texts.map((text, i) => ({ ...review(`t${i}`, "r3", text, `2025-0${7 - i}-01T00:00:00Z`), rating: i % 2 === 0 ? 5 : 2 })));
    const vector = embedder.embedOne("면이 쫄깃하고 양이 많아요");
    const positive = { min: 4, max: 5 };
    const separately = {
      hits: await index.search(vector, { restaurantId: "r3", rating: positive }, { topK: 3 }),
      texts: await index.restaurantTexts("r3"),
    };
    assert.deepEqual(separately.texts, [...texts].reverse());
    assert.ok(separately.hits.every((h) => h.review.rating === 5) && separately.hits.length === 3);
    const count = (await state("r3")).reviewCount;
    const ids = (r: { hits: Array<{ review: { reviewId: string } }>; texts: string[] }) => ({ hits: r.hits.map((h) => h.review.reviewId), texts: r.texts });
    assert.deepEqual(ids(await index.searchWithTexts(vector, "r3", positive, 3, count)), ids(separately), "one read");
    assert.deepEqual(ids(await index.searchWithTexts(vector, "r3", positive, 3, count - 2)), ids(separately), "a state that counts fewer reviews: two reads");
    const unfiltered = await index.search(vector, { restaurantId: "r3" }, { topK: 4 });
    assert.deepEqual((await index.searchWithTexts(vector, "r3", undefined, 4, count)).hits.map((h) => h.review.reviewId), unfiltered.map((h) => h.review.reviewId), "no rating: the nearest of all");
  });
});
