// ReviewIndex's cache of restaurant states on a real LanceDB directory: reads of an exclusive store
// come from memory after the first, always agree with what a fresh process reads from disk, and a
// read that raced a write never leaves the state the write replaced.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createHashingEmbedder } from "@reviewlens/embedder";
import { openLanceDbVectorStore } from "./adapters/lancedb-vector-store.js";
import { DEFAULT_WEIGHT_POLICY, type RepresentativeState } from "./domain/representative-vector.js";
import type { ReviewRecord } from "./domain/review.js";
import { ReviewIndex } from "./review-index.js";
import { RESTAURANT_VECTORS } from "./stored-records.js";
import type { VectorStore } from "./vector-store.js";

const embedder = createHashingEmbedder();
const directories: string[] = [];
after(() => directories.forEach((d) => rmSync(d, { recursive: true, force: true })));

const review = (id: string, restaurantId: string, text: string): ReviewRecord => ({
  reviewId: id,
  restaurantId,
  text,
  rating: 5,
  createdAt: "2025-05-01T00:00:00Z",
  createdAtMs: Date.UTC(2025, 4, 1),
  images: [],
});

/** A LanceDB store that counts its reads of restaurant states and can hold the next one back until released. */
async function countingStore(exclusive: boolean) {
  const directory = mkdtempSync(join(tmpdir(), "reviewlens-state-cache-"));
  directories.push(directory);
  const inner = await openLanceDbVectorStore(directory);
  let stateReads = 0;
  let hold: Promise<void> | undefined;
  const store: VectorStore = {
    ...inner,
    exclusive,
    async get(collection, ids, signal) {
      if (collection !== RESTAURANT_VECTORS) return inner.get(collection, ids, signal);
      stateReads++;
      const held = hold;
      hold = undefined;
      const points = await inner.get(collection, ids, signal);
      if (held) await held;
      return points;
    },
  };
  return {
    directory,
    store,
    stateReads: () => stateReads,
    /** The next state read returns what it read only once the returned function is called. */
    holdNextRead: (): (() => void) => {
      let release!: () => void;
      hold = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

const essentials = (s: RepresentativeState | undefined) => s && { reviewCount: s.reviewCount, version: s.version, vector: s.vector.map((x) => x.toFixed(6)) };

async function fromDisk(directory: string, restaurantId: string) {
  const fresh = await ReviewIndex.open(await openLanceDbVectorStore(directory), embedder, DEFAULT_WEIGHT_POLICY);
  const [state] = await fresh.restaurantStates([restaurantId]);
  await fresh.close();
  return essentials(state);
}

describe("ReviewIndex's restaurant state cache", () => {
  it("reads an exclusive store's state once and then serves what writes stored, as a fresh process reads it", async () => {
    const { directory, store, stateReads } = await countingStore(true);
    const index = await ReviewIndex.open(store, embedder, DEFAULT_WEIGHT_POLICY);
    assert.deepEqual(await index.restaurantStates(["park"]), [], "no state before the first review");
    const readsBefore = stateReads();
    assert.deepEqual(await index.restaurantStates(["park"]), []);
    await index.upsert([review("p1", "park", "면이 쫄깃해요"), review("p2", "park", "육수가 깊어요")]);
    await index.delete(["p1"]);
    const [cached] = await index.restaurantStates(["park"]);
    assert.equal(stateReads(), readsBefore, "neither the repeat nor the writes' own state reads went to the store");
    assert.equal(cached?.reviewCount, 1);
    await index.close();
    assert.deepEqual(essentials(cached), await fromDisk(directory, "park"));
  });

  it("reads a shared store's state every time (another process may have written it)", async () => {
    const { store, stateReads } = await countingStore(false);
    const index = await ReviewIndex.open(store, embedder, DEFAULT_WEIGHT_POLICY);
    await index.upsert([review("c1", "choi", "양이 많아요")]);
    const before = stateReads();
    await index.restaurantStates(["choi"]);
    await index.restaurantStates(["choi"]);
    assert.equal(stateReads() - before, 2);
    await index.close();
  });

  it("does not keep a state read before a write that replaced it", async () => {
    const { store, holdNextRead } = await countingStore(true);
    const index = await ReviewIndex.open(store, embedder, DEFAULT_WEIGHT_POLICY);
    await index.upsert([review("j1", "jung", "친절해요")]);
    // A new index over the same store starts with nothing cached: its read goes to the store.
    const reader = await ReviewIndex.open(store, embedder, DEFAULT_WEIGHT_POLICY);
    const release = holdNextRead();
    // Reads the state at once, and comes back only after the write below has stored the next one.
    const stale = reader.restaurantStates(["jung"]);
    await reader.upsert([review("j2", "jung", "가격이 착해요")]);
    release();
    assert.equal((await stale)[0]?.reviewCount, 1, "the held read saw the state before the write");
    assert.equal((await reader.restaurantStates(["jung"]))[0]?.reviewCount, 2);
    await reader.close();
    await index.close();
  });
});
