// Runs the VectorStore contract against a real Qdrant when VECTOR_SEARCH_QDRANT_URL names one (e.g.
// VECTOR_SEARCH_QDRANT_URL=http://127.0.0.1:6333); collections get a unique prefix and are left for inspection.
// Without one, the requests the adapter sends for a search are checked.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { openQdrantVectorStore, pointUuid } from "./qdrant-vector-store.js";
import { describeVectorStoreContract } from "./vector-store-contract.js";

describe("Qdrant point IDs", () => {
  it("are stable RFC 4122 version-5 UUIDs, distinct per caller ID", () => {
    const uuid = pointUuid("review-1");
    assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(pointUuid("review-1"), uuid);
    assert.notEqual(pointUuid("review-2"), uuid);
  });
});

/**
 * No Qdrant runs here: a loopback HTTP server stands in for its query endpoint, records the JSON the
 * adapter sends and answers with points around the threshold, as a Qdrant that compares in float32
 * could. What Qdrant does with `score_threshold` is the contract's to check against a real one.
 */
describe("Qdrant search requests", () => {
  const bodies: Array<Record<string, unknown>> = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      bodies.push({ path: request.url, ...(JSON.parse(body) as Record<string, unknown>) });
      const point = (id: string, score: number) => ({ id: pointUuid(id), version: 1, score, payload: { _id: id, rating: 5 } });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "ok", time: 0, result: { points: [point("a", 0.9), point("b", 0.5), point("c", 0.5 - 1e-7)] } }));
    });
  });
  before(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("pass minScore as score_threshold, a margin below it, and keep only the hits that reach it", async () => {
    const { port } = server.address() as AddressInfo;
    const store = openQdrantVectorStore({ url: `http://127.0.0.1:${port}`, collectionPrefix: "t_" });
    const cut = await store.search("reviews", [1, 0], { limit: 7, minScore: 0.5, filter: [{ field: "rating", range: { gte: 4 } }] });
    assert.deepEqual(cut.map((h) => [h.id, h.score]), [["a", 0.9], ["b", 0.5]]);
    const uncut = await store.search("reviews", [1, 0], { limit: 7 });
    assert.deepEqual(uncut.map((h) => h.id), ["a", "b", "c"]);

    assert.equal(bodies.length, 2);
    assert.equal(bodies[0]!["path"], "/collections/t_reviews/points/query");
    assert.deepEqual(bodies[0]!["query"], [1, 0]);
    assert.equal(bodies[0]!["limit"], 7);
    const threshold = bodies[0]!["score_threshold"] as number;
    assert.ok(threshold < 0.5 && threshold > 0.5 - 1e-3, `score_threshold ${threshold}`);
    assert.ok(!("score_threshold" in bodies[1]!), "no threshold asked for, none sent");
    for (const body of bodies) assert.equal(body["with_vector"], false, "hits are asked for without their vectors");
  });
});

const url = process.env["VECTOR_SEARCH_QDRANT_URL"];
if (url) {
  const collectionPrefix = `test_${randomUUID().slice(0, 8)}_`;
  describeVectorStoreContract("Qdrant", async () => openQdrantVectorStore({ url, apiKey: process.env["VECTOR_SEARCH_QDRANT_API_KEY"], collectionPrefix }));
}
