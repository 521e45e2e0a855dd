// The one behavioural contract of VectorStore; every adapter's test file runs it.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { DimensionMismatchError, type CollectionSpec, type Point, type VectorStore } from "../vector-store.js";

const DIMENSION = 8;

function randomUnitVector(seed: number): number[] {
  // Small deterministic generator so a failure reproduces.
  let state = seed * 2654435761 + 1;
  const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const v = Array.from({ length: DIMENSION }, next);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0) / (Math.hypot(...a) * Math.hypot(...b));

function pointAt(i: number): Point {
  return {
    id: `review-${i}`,
    vector: randomUnitVector(i + 1),
    payload: {
      restaurant_id: `r${i % 3}`,
      rating: (i % 5) + 1,
      created_at: 1_700_000_000_000 + i * 86_400_000,
      has_images: i % 4 === 0,
      text: `리뷰 ${i}: it's "quoted"`,
      weight: i / 10,
    },
  };
}

/**
 * `open` returns a store over the same backing storage each time (so reopening shows persistence).
 */
export function describeVectorStoreContract(name: string, open: () => Promise<VectorStore>) {
  describe(`VectorStore contract: ${name}`, () => {
    const spec: CollectionSpec = {
      name: `contract_${randomUUID().replaceAll("-", "").slice(0, 12)}`,
      dimension: DIMENSION,
      fields: {
        restaurant_id: { type: "keyword", indexed: true },
        rating: { type: "integer", indexed: true },
        created_at: { type: "integer", indexed: true },
        has_images: { type: "bool", indexed: true },
        text: { type: "text" },
        weight: { type: "float" },
      },
    };
    const points = Array.from({ length: 40 }, (_, i) => pointAt(i));
    let store: VectorStore;

    before(async () => {
      store = await open();
      await store.ensureCollection(spec);
      await store.upsert(spec.name, points.slice(0, 25));
      await store.upsert(spec.name, points.slice(25));
    });
    after(async () => {
      await store.delete(spec.name, points.map((p) => p.id));
      await store.close();
    });

    it("returns stored points by ID with their payload and vector", async () => {
      const got = await store.get(spec.name, ["review-7", "review-0", "missing"]);
      assert.deepEqual(got.map((p) => p.id).sort(), ["review-0", "review-7"]);
      const seven = got.find((p) => p.id === "review-7")!;
      assert.deepEqual(seven.payload, points[7]!.payload);
      seven.vector.forEach((x, i) => assert.ok(Math.abs(x - points[7]!.vector[i]!) < 1e-6));
    });

    it("replaces a point on upsert with the same ID instead of duplicating it", async () => {
      const replaced = { ...pointAt(3), payload: { ...pointAt(3).payload, rating: 5, text: "changed" } };
      await store.upsert(spec.name, [replaced]);
      await store.upsert(spec.name, [replaced]);
      const all = await store.scan(spec.name, []);
      assert.equal(all.length, 40);
      const [three] = await store.get(spec.name, ["review-3"]);
      assert.equal(three?.payload["text"], "changed");
      await store.upsert(spec.name, [pointAt(3)]);
    });

    it("scans payloads alone: the points a scan with the same filter finds, without their vectors", async () => {
      const filter = [{ field: "restaurant_id", equals: "r2" }];
      const full = await store.scan(spec.name, filter);
      const payloads = await store.scanPayloads(spec.name, filter);
      assert.ok(full.length > 0);
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      assert.deepEqual(payloads.sort(byId), full.map(({ id, payload }) => ({ id, payload })).sort(byId));
      assert.deepEqual(await store.scanPayloads(spec.name, [{ field: "restaurant_id", anyOf: [] }]), []);
    });

    it("finds the K nearest by cosine similarity, as brute force does", async () => {
      const query = randomUnitVector(999);
      const hits = await store.search(spec.name, query, { limit: 5 });
      const expected = points
        .map((p) => ({ id: p.id, score: cosine(query, p.vector) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 5);
      assert.deepEqual(hits.map((h) => h.id), expected.map((e) => e.id));
      hits.forEach((h, i) => assert.ok(Math.abs(h.score - expected[i]!.score) < 1e-4, `score ${h.score} vs ${expected[i]!.score}`));
      // A hit is its ID, payload and score: its vector is not read or moved.
      assert.deepEqual(Object.keys(hits[0]!).sort(), ["id", "payload", "score"]);
      assert.deepEqual(hits[0]!.payload, points.find((p) => p.id === hits[0]!.id)!.payload);
    });

    it("cuts searches at minScore: the hits of the same search without it that reach it, order and scores kept", async () => {
      const query = randomUnitVector(777);
      for (const options of [{ limit: 40 }, { limit: 40, exact: true }, { limit: 8, filter: [{ field: "restaurant_id", equals: "r2" }] }]) {
        const all = await store.search(spec.name, query, options);
        assert.ok(all.length >= 6, `${all.length} hits`);
        // Each threshold exactly at a reported score: the cut is inclusive.
        for (const minScore of [all[0]!.score, all[3]!.score, all.at(-2)!.score, -1]) {
          const cut = await store.search(spec.name, query, { ...options, minScore });
          assert.deepEqual(cut, all.filter((h) => h.score >= minScore), `minScore ${minScore}`);
        }
        const above = await store.search(spec.name, query, { ...options, minScore: all[0]!.score + 1e-3 });
        assert.deepEqual(above, []);
      }
    });

    it("filters searches and scans by keyword, set, integer and time ranges and booleans", async () => {
      const query = randomUnitVector(5);
      const filter = [
        { field: "restaurant_id", equals: "r1" },
        { field: "rating", range: { gte: 2, lte: 4 } },
        { field: "created_at", range: { gte: 1_700_000_000_000 + 5 * 86_400_000, lt: 1_700_000_000_000 + 30 * 86_400_000 } },
      ];
      const matches = (p: Point) =>
        p.payload["restaurant_id"] === "r1" &&
        (p.payload["rating"] as number) >= 2 &&
        (p.payload["rating"] as number) <= 4 &&
        (p.payload["created_at"] as number) >= 1_700_000_000_000 + 5 * 86_400_000 &&
        (p.payload["created_at"] as number) < 1_700_000_000_000 + 30 * 86_400_000;
      const expected = points.filter(matches).map((p) => p.id).sort();
      assert.ok(expected.length >= 3);
      const hits = await store.search(spec.name, query, { limit: 100, filter });
      assert.deepEqual(hits.map((h) => h.id).sort(), expected);
      assert.deepEqual((await store.scan(spec.name, filter)).map((p) => p.id).sort(), expected);

      const withImages = await store.scan(spec.name, [{ field: "has_images", equals: true }]);
      assert.deepEqual(withImages.map((p) => p.id).sort(), points.filter((p) => p.payload["has_images"]).map((p) => p.id).sort());
      const someRestaurants = await store.scan(spec.name, [{ field: "restaurant_id", anyOf: ["r0", "r2", "r'9"] }]);
      assert.equal(someRestaurants.length, points.filter((p) => p.payload["restaurant_id"] !== "r1").length);
      assert.deepEqual(await store.scan(spec.name, [{ field: "restaurant_id", anyOf: [] }]), []);
    });

    it("handles quotes in IDs and values literally", async () => {
      const odd: Point = { ...pointAt(100), id: "it's'; DROP", payload: { ...pointAt(100).payload, restaurant_id: "o'brien" } };
      await store.upsert(spec.name, [odd]);
      assert.equal((await store.scan(spec.name, [{ field: "restaurant_id", equals: "o'brien" }])).length, 1);
      await store.delete(spec.name, [odd.id]);
      assert.deepEqual(await store.get(spec.name, [odd.id]), []);
      assert.equal((await store.scan(spec.name, [])).length, 40);
    });

    it("deletes by ID and ignores IDs it does not hold", async () => {
      await store.delete(spec.name, ["review-1", "review-2", "never-stored"]);
      assert.deepEqual(await store.get(spec.name, ["review-1", "review-2"]), []);
      assert.equal((await store.scan(spec.name, [])).length, 38);
      await store.upsert(spec.name, [pointAt(1), pointAt(2)]);
    });

    it("rejects vectors of the wrong dimension", async () => {
      await assert.rejects(store.upsert(spec.name, [{ ...pointAt(50), vector: [1, 0, 0] }]));
      await assert.rejects(store.search(spec.name, [1, 0, 0], { limit: 3 }));
      assert.deepEqual(await store.get(spec.name, ["review-50"]), []);
    });

    it("persists across reopening and refuses a collection of another dimension", async () => {
      const reopened = await open();
      try {
        await reopened.ensureCollection(spec);
        assert.equal((await reopened.scan(spec.name, [])).length, 40);
        await assert.rejects(reopened.ensureCollection({ ...spec, dimension: DIMENSION * 2 }), (error: unknown) => {
          assert.ok(error instanceof DimensionMismatchError);
          assert.match(error.message, new RegExp(`${DIMENSION}-dimensional`));
          return true;
        });
      } finally {
        await reopened.close();
      }
    });
  });
}
