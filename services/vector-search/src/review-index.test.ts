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
});
