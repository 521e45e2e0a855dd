import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { inference } from "@reviewlens/contracts";
import { MisconfiguredError, Status, statusOf } from "@reviewlens/runtime";
import { createGatewayEmbedder } from "./gateway-embedder.js";

function fakeGateway(dimension: number) {
  const calls: string[][] = [];
  return {
    calls,
    async embed(request: inference.EmbedRequest): Promise<inference.EmbedResponse> {
      calls.push(request.texts);
      return {
        embeddings: request.texts.map((t) => ({ values: Array.from({ length: dimension }, (_, i) => (i === 0 ? t.length : 0)) })),
        dimension,
        promptTokens: 0,
        batchedWith: request.texts.length,
      };
    },
  };
}

describe("gateway embedder", () => {
  it("splits large inputs into calls of at most 64 texts and keeps the order", async () => {
    const gateway = fakeGateway(4);
    const texts = Array.from({ length: 150 }, (_, i) => "x".repeat(i + 1));
    const vectors = await createGatewayEmbedder(gateway, 4).embed(texts);
    assert.deepEqual(gateway.calls.map((c) => c.length), [64, 64, 22]);
    assert.deepEqual(vectors.map((v) => v[0]), texts.map((t) => t.length));
  });

  it("fails with FAILED_PRECONDITION when the model's dimension is not the configured one", async () => {
    await assert.rejects(createGatewayEmbedder(fakeGateway(768), 384).embed(["맛있어요"]), (error: unknown) => {
      assert.ok(error instanceof MisconfiguredError);
      assert.equal(statusOf(error)?.status, Status.FAILED_PRECONDITION);
      assert.match(error.message, /768-dimensional.*VECTOR_SEARCH_EMBEDDING_DIMENSION is 384/);
      return true;
    });
  });
});
