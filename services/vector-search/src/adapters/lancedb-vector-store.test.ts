import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as lancedb from "@lancedb/lancedb";
import type { Point } from "../vector-store.js";
import { openLanceDbVectorStore } from "./lancedb-vector-store.js";
import { describeVectorStoreContract } from "./vector-store-contract.js";

const directory = mkdtempSync(join(tmpdir(), "reviewlens-lance-"));
after(() => rmSync(directory, { recursive: true, force: true }));

describeVectorStoreContract("LanceDB", () => openLanceDbVectorStore(join(directory, "contract")));

describe("LanceDB approximate index", () => {
  const DIM = 32;
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const vector = () => Array.from({ length: DIM }, random);
  const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0) / (Math.hypot(...a) * Math.hypot(...b));

  it("is built once the table is large, keeps exact searches exact and approximate ones close", async () => {
    const dir = join(directory, "ann");
    const store = await openLanceDbVectorStore(dir, { annMinRows: 300 });
    await store.ensureCollection({ name: "points", dimension: DIM, fields: { group: { type: "keyword", indexed: true } } });
    const points: Point[] = Array.from({ length: 700 }, (_, i) => ({ id: `p${i}`, vector: vector(), payload: { group: `g${i % 7}` } }));
    for (let i = 0; i < points.length; i += 10) await store.upsert("points", points.slice(i, i + 10));

    const db = await lancedb.connect(dir);
    const indexes = await (await db.openTable("points")).listIndices();
    assert.ok(indexes.some((index) => index.columns.includes("vector") && index.indexType.includes("Pq")), JSON.stringify(indexes.map((i) => i.indexType)));
    db.close();

    let recall = 0;
    for (let q = 0; q < 20; q++) {
      const query = vector();
      const truth = points.map((p) => ({ id: p.id, score: cosine(query, p.vector) })).sort((a, b) => b.score - a.score);
      const exact = await store.search("points", query, { limit: 10, exact: true });
      assert.deepEqual(exact.map((h) => h.id), truth.slice(0, 10).map((t) => t.id));
      const approximate = await store.search("points", query, { limit: 10 });
      const top = new Set(truth.slice(0, 10).map((t) => t.id));
      recall += approximate.filter((h) => top.has(h.id)).length / 10;
      // A threshold keeps what the approximate search found above it, and the exact one cuts likewise.
      const minScore = approximate[4]!.score;
      assert.deepEqual(await store.search("points", query, { limit: 10, minScore }), approximate.filter((h) => h.score >= minScore));
      assert.deepEqual(await store.search("points", query, { limit: 10, exact: true, minScore: exact[4]!.score }), exact.slice(0, 5));
      const inGroup = await store.search("points", query, { limit: 5, exact: true, filter: [{ field: "group", equals: "g3" }] });
      assert.deepEqual(inGroup.map((h) => h.id), truth.filter((t) => points[Number(t.id.slice(1))]!.payload["group"] === "g3").slice(0, 5).map((t) => t.id));
    }
    assert.ok(recall / 20 >= 0.8, `recall@10 ${recall / 20}`);
    await store.close();
  });
});
