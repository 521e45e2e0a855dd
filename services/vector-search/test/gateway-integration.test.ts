// vector-search with the real inference gateway in front of the real vllm-sim: embeddings through
// the gateway's Embed, query expansion through Complete with a JSON schema, fusion of the results.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createHashingEmbedder } from "@reviewlens/embedder";
import { vectorsearch } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";
import { fixtureReviews } from "./review-fixtures.js";

describe("vector-search with inference-gateway and vllm-sim", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "reviewlens-vs-gw-"));
  const processes: ServiceProcess[] = [];
  let client: ReturnType<typeof createServiceClient<typeof vectorsearch.VectorSearchServiceDefinition>>["client"];
  let closeChannel = () => {};

  before(async () => {
    const sim = await startServiceProcess({
      entry: "services/vllm-sim/src/main.ts",
      args: ["--port", "0", "--host", "127.0.0.1", "--time-scale", "0.01", "--seed", "7", "--mean-output-tokens", "40"],
      readyWhen: (line) => typeof line["port"] === "number",
      timeoutMs: 120_000,
    });
    processes.push(sim);
    const simPort = Number(sim.logs.find((l) => typeof l["port"] === "number")!["port"]);
    const gateway = await startServiceProcess({
      entry: "services/inference-gateway/src/main.ts",
      env: {
        GATEWAY_BACKEND_URLS: `http://127.0.0.1:${simPort}`,
        GATEWAY_HTTP_PORT: "0",
        DATA_DIR: join(dataDir, "gateway"),
        // The test script's PostgreSQL starts faster than an embedded PGlite on a busy machine.
        ...(process.env["TEST_DATABASE_URL"] ? { DATABASE_URL: process.env["TEST_DATABASE_URL"] } : {}),
      },
      timeoutMs: 120_000,
    });
    processes.push(gateway);
    const service = await startServiceProcess({
      entry: "services/vector-search/src/main.ts",
      env: { DATA_DIR: dataDir, VECTOR_SEARCH_EMBEDDER: "gateway", GATEWAY_ADDR: gateway.address },
      timeoutMs: 120_000,
    });
    processes.push(service);
    const c = createServiceClient(vectorsearch.VectorSearchServiceDefinition, service.address, { defaultDeadlineMs: 60_000 });
    client = c.client;
    closeChannel = () => c.channel.close();
    await client.upsertReviews({ reviews: fixtureReviews(12) });
  });
  after(async () => {
    closeChannel();
    for (const p of processes.reverse()) await p.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores the gateway's embeddings (the simulator serves the shared hashing embedder)", async () => {
    const review = fixtureReviews(12)[5]!;
    const vector = createHashingEmbedder().embedOne(review.text);
    const { results } = await client.searchSimilarReviews({ query: { $case: "vector", value: { values: vector } }, topK: 1 });
    assert.equal(results[0]?.review?.text, review.text);
    assert.ok(results[0].score > 0.999, `score ${results[0].score}`);
  });

  it("expands the query through the gateway and fuses the per-query searches by reciprocal rank", async () => {
    const topK = 4;
    const fused = await client.searchImages({ query: "라떼 아트", topK, expansions: 3 });
    assert.equal(fused.expansionError, "");
    assert.ok(fused.expandedQueries.length >= 1 && fused.expandedQueries.length <= 3, JSON.stringify(fused.expandedQueries));
    assert.ok(fused.expandedQueries.every((q) => q.trim() !== "" && q !== "라떼 아트"));

    // Recompute the fusion from each query's own ranking (the same candidate depth, 3 x top_k).
    const queries = ["라떼 아트", ...fused.expandedQueries];
    const scores = new Map<string, number>();
    for (const query of queries) {
      const single = await client.searchImages({ query, topK: topK * 3, expansions: 0 });
      single.images.forEach((image, rank) => scores.set(image.url, (scores.get(image.url) ?? 0) + 1 / (60 + rank + 1)));
    }
    const expected = [...scores.entries()].sort((a, b) => b[1] - a[1]).slice(0, topK);
    assert.equal(fused.images.length, Math.min(topK, scores.size));
    assert.equal(new Set(fused.images.map((i) => i.url)).size, fused.images.length);
    fused.images.forEach((image, i) => {
      assert.ok(Math.abs(image.score - expected[i]![1]) < 1e-9, `#${i} ${image.url}: ${image.score} vs ${expected[i]![1]}`);
      assert.ok(image.matchedQueries.length >= 1 && image.matchedQueries.every((q) => queries.includes(q)));
    });
  });
});
