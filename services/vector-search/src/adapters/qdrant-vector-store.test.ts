// Runs the VectorStore contract against a real Qdrant when VECTOR_SEARCH_QDRANT_URL names one (e.g.
// VECTOR_SEARCH_QDRANT_URL=http://127.0.0.1:6333); collections get a unique prefix and are left for inspection.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
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

const url = process.env["VECTOR_SEARCH_QDRANT_URL"];
if (url) {
  const collectionPrefix = `test_${randomUUID().slice(0, 8)}_`;
  describeVectorStoreContract("Qdrant", async () => openQdrantVectorStore({ url, apiKey: process.env["VECTOR_SEARCH_QDRANT_API_KEY"], collectionPrefix }));
}
