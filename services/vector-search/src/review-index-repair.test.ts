// Writes interrupted between collections (a killed process, a store failing midway) on a real
// LanceDB directory: what the index holds afterwards must be what the same writes give uninterrupted.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createHashingEmbedder } from "@reviewlens/embedder";
import { openLanceDbVectorStore } from "./adapters/lancedb-vector-store.js";
import { DEFAULT_WEIGHT_POLICY } from "./domain/representative-vector.js";
import type { ReviewRecord } from "./domain/review.js";
import { ReviewIndex } from "./review-index.js";
import { RESTAURANT_VECTORS, REVIEW_IMAGES, REVIEWS } from "./stored-records.js";
import type { VectorStore } from "./vector-store.js";

const embedder = createHashingEmbedder();
const directories: string[] = [];
after(() => directories.forEach((d) => rmSync(d, { recursive: true, force: true })));

function newDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "reviewlens-repair-"));
  directories.push(directory);
  return directory;
}

const review = (id: string, restaurantId: string, text: string, day: number, captions: string[] = []): ReviewRecord => ({
  reviewId: id,
  restaurantId,
  text,
  rating: 4,
  createdAt: `2025-03-${String(day).padStart(2, "0")}T00:00:00Z`,
  createdAtMs: Date.UTC(2025, 2, day),
  images: captions.map((caption, k) => ({ imageId: `${id}-p${k}`, url: `https://img.example/${id}/${k}.jpg`, caption })),
});

const batch = [
  review("k1", "kim", "국물이 진하고 맛있어요", 1, ["뚝배기 국밥"]),
  review("k2", "kim", "주차가 불편해요", 2),
  review("k3", "kim", "김치가 시원해요", 3, ["김치", ""]),
  review("l1", "lee", "디저트가 훌륭해요", 4, ["티라미수"]),
];

class Crash extends Error {}

type Write = { operation: "upsert" | "delete"; collection: string };

/**
 * `store` calling `before` and `after` around each of its writes that writes something (the stores'
 * methods are closures, not `this`-bound, so the spread keeps the rest working).
 */
function aroundWrites(store: VectorStore, hooks: { before?: (write: Write) => void; after?: (write: Write) => void }): VectorStore {
  return {
    ...store,
    async upsert(collection, points, signal) {
      if (points.length > 0) hooks.before?.({ operation: "upsert", collection });
      await store.upsert(collection, points, signal);
      if (points.length > 0) hooks.after?.({ operation: "upsert", collection });
    },
    async delete(collection, ids, signal) {
      if (ids.length > 0) hooks.before?.({ operation: "delete", collection });
      await store.delete(collection, ids, signal);
      if (ids.length > 0) hooks.after?.({ operation: "delete", collection });
    },
  };
}

/** `store` whose first write matching `at` throws instead of running: the moment of a crash. */
function crashingAt(store: VectorStore, at: Write): VectorStore {
  let crashed = false;
  return aroundWrites(store, {
    before({ operation, collection }) {
      if (crashed || operation !== at.operation || collection !== at.collection) return;
      crashed = true;
      throw new Crash(`${operation} ${collection}`);
    },
  });
}

const openIndex = async (directory: string, wrap: (store: VectorStore) => VectorStore = (s) => s) =>
  ReviewIndex.open(wrap(await openLanceDbVectorStore(directory)), embedder, DEFAULT_WEIGHT_POLICY);

/** What a restaurant's search results depend on: its state and its photos as searched. */
async function snapshot(index: ReviewIndex, restaurantId: string) {
  const [state] = await index.restaurantStates([restaurantId]);
  const photos = await index.searchImages(embedder.embedOne("국밥 김치 티라미수"), restaurantId, 50);
  return {
    reviewCount: state?.reviewCount ?? 0,
    lastReviewAtMs: state?.lastReviewAtMs ?? 0,
    totalWeight: Number((state?.totalWeight ?? 0).toFixed(9)),
    vector: (state?.vector ?? []).map((x) => Number(x.toFixed(6))),
    photos: photos.map((p) => `${p.imageId} ${p.caption} ${p.similarity.toFixed(6)}`).sort(),
  };
}

/** The snapshot of every restaurant after `writes` run without interruption. */
async function uninterrupted(writes: (index: ReviewIndex) => Promise<unknown>) {
  const index = await openIndex(newDirectory());
  await writes(index);
  const result = { kim: await snapshot(index, "kim"), lee: await snapshot(index, "lee") };
  await index.close();
  return result;
}

describe("ReviewIndex repairs interrupted writes", () => {
  for (const crashBefore of [
    { operation: "upsert", collection: REVIEW_IMAGES },
    { operation: "upsert", collection: RESTAURANT_VECTORS },
  ] as const) {
    it(`an upload killed before ${crashBefore.operation} ${crashBefore.collection}: after restart the retry leaves what one upload leaves`, async () => {
      const expected = await uninterrupted((index) => index.upsert(batch));
      const directory = newDirectory();
      const crashing = await openIndex(directory, (store) => crashingAt(store, crashBefore));
      await assert.rejects(crashing.upsert(batch), Crash);
      await crashing.close();

      const restarted = await openIndex(directory);
      assert.deepEqual(await restarted.repairInterruptedWrites(), ["kim", "lee"]);
      // The retry finds every review stored: nothing is written twice.
      const retry = await restarted.upsert(batch);
      assert.deepEqual({ upserted: retry.upserted, unchanged: retry.unchanged }, { upserted: 0, unchanged: batch.length });
      assert.deepEqual({ kim: await snapshot(restarted, "kim"), lee: await snapshot(restarted, "lee") }, expected);
      assert.deepEqual(await restarted.repairInterruptedWrites(), [], "the intents are gone once repaired");
      await restarted.close();
    });
  }

  it("a delete that failed midway in a running service is repaired by its next write, before that write", async () => {
    const edited = review("k1", "kim", "국물이 진하고 맛있어요. 다시 올게요", 5, ["국밥 한 그릇"]);
    const expected = await uninterrupted(async (index) => {
      await index.upsert(batch);
      await index.delete(["k3"]);
      await index.upsert([edited]);
    });
    const index = await openIndex(newDirectory(), (store) => crashingAt(store, { operation: "delete", collection: REVIEW_IMAGES }));
    await index.upsert(batch);
    // The review point is gone, its photos and the restaurant's count are not.
    await assert.rejects(index.delete(["k3"]), Crash);
    assert.deepEqual(await index.delete(["k3"]), { deleted: [], notFound: ["k3"] }, "sent again, the delete finds nothing to delete");
    await index.upsert([edited]);
    assert.deepEqual({ kim: await snapshot(index, "kim"), lee: await snapshot(index, "lee") }, expected);
    await index.close();
  });

  it("a review moved to another restaurant by an interrupted upload leaves the old one and joins the new one", async () => {
    const moved = review("k2", "lee", "주차가 불편해요", 2, ["주차장"]);
    const expected = await uninterrupted(async (index) => {
      await index.upsert(batch);
      await index.upsert([moved]);
    });
    const directory = newDirectory();
    const first = await openIndex(directory);
    await first.upsert(batch);
    await first.close();
    const crashing = await openIndex(directory, (store) => crashingAt(store, { operation: "upsert", collection: RESTAURANT_VECTORS }));
    await assert.rejects(crashing.upsert([moved]), Crash);
    await crashing.close();

    const restarted = await openIndex(directory);
    assert.deepEqual(await restarted.upsert([moved]), { upserted: 0, unchanged: 1, restaurantsUpdated: [] });
    assert.deepEqual({ kim: await snapshot(restarted, "kim"), lee: await snapshot(restarted, "lee") }, expected);
    assert.deepEqual((await restarted.restaurantReviews("lee")).map((r) => r.reviewId), ["k2", "l1"]);
    await restarted.close();
  });

  it("an upload the caller cancels while it is being written is written in full", async () => {
    const directory = newDirectory();
    const controller = new AbortController();
    // Cancel right after the reviews are written, before the photos and states.
    const index = await openIndex(directory, (store) =>
      aroundWrites(store, { after: ({ operation, collection }) => operation === "upsert" && collection === REVIEWS && controller.abort() }),
    );
    await index.upsert(batch, controller.signal);
    assert.equal((await snapshot(index, "kim")).reviewCount, 3);
    assert.equal((await snapshot(index, "kim")).photos.length, 3);
    await index.close();
  });
});
