// Fault under load: vector-search SIGKILLed in the middle of a bulk `reviewlens ingest`
// (UploadReviews) and started again on the same port and data, while forced analyses run. The
// CLI sends the upload again; afterwards every review is stored exactly once (no duplicate point,
// none missing) and each restaurant's review count agrees with its points.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { toJsonLines } from "@reviewlens/demo-data";
import { vectorsearch } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { runToExit, uploadReviewRecords, waitFor } from "@reviewlens/testkit";
import { Status } from "nice-grpc";
import { FaultStack } from "./fault-stack.js";
import { prefixedReviews, restaurantsOf } from "./fault-fixtures.js";
import { writeFaultRecord } from "./fault-record.js";
import { analysisClients, analysisLoad, countByCode, type AnalysisClients } from "./steady-load.js";

const analysed = prefixedReviews("vsa", 4, 12);
const bulk = prefixedReviews("vsb", 10, 400, 11);
let stack: FaultStack;
let clients: AnalysisClients;
let vectors: ReturnType<typeof createServiceClient<typeof vectorsearch.VectorSearchServiceDefinition>>;

before(async () => {
  stack = await FaultStack.start({ simArgs: ["--time-scale", "0.1", "--mean-output-tokens", "24"] });
  clients = analysisClients(stack.address("sentiment"), stack.address("summarization"));
  vectors = createServiceClient(vectorsearch.VectorSearchServiceDefinition, stack.slotAddress("vector-search", 0));
  await uploadReviewRecords(stack.slotAddress("vector-search", 0), analysed);
});

after(async () => {
  clients?.close();
  vectors?.channel.close();
  await stack?.stop();
});

/** Stored points per restaurant: every review ID a search within the restaurant returns. */
async function pointsOf(restaurantId: string): Promise<string[]> {
  const r = await vectors.client.searchSimilarReviews({ query: { $case: "text", value: "맛" }, filter: { restaurantId }, topK: 1000 });
  return r.results.map((s) => s.review!.reviewId);
}

const storedCount = async (restaurants: string[]) =>
  (await vectors.client.getRestaurantStats({ restaurantIds: restaurants })).restaurants.reduce((n, r) => n + r.reviewCount, 0);

test("vector-search SIGKILLed mid-upload and restarted under analysis load: the CLI's retry stores every review exactly once", async () => {
  const file = join(stack.dataDir, "bulk.jsonl");
  writeFileSync(file, toJsonLines(bulk));
  const bulkRestaurants = restaurantsOf(bulk);
  const load = analysisLoad(clients, restaurantsOf(analysed), 2).start();
  await waitFor(() => load.succeededSince(0).length >= 2 || undefined, "the analysis load to be under way");

  const ingest = runToExit("tools/cli/bin/reviewlens.js", {}, ["--vector-search", stack.slotAddress("vector-search", 0), "ingest", file, "--batch-size", "100", "--retries", "30", "--json"], {
    nodeArgs: [],
  });
  // Kill it once part of the upload is stored.
  const partial = await waitFor(async () => {
    const n = await storedCount(bulkRestaurants);
    return n > 0 ? n : undefined;
  }, "part of the upload stored", 120_000, 20);
  const killedAt = Date.now();
  await stack.stopService("vector-search", 0, "SIGKILL");
  await stack.startService("vector-search", 0);
  const cli = await ingest;
  assert.equal(cli.code, 0, cli.stderr);
  const summary = JSON.parse(cli.stdout) as { rows: number; upserted: number; rejected: number; attempts: number };
  assert.ok(summary.attempts >= 2, `the upload was sent again (${summary.attempts} attempts)`);
  assert.ok(partial < bulk.length, "the kill came before the upload ended");
  assert.deepEqual({ rows: summary.rows, upserted: summary.upserted, rejected: summary.rejected }, { rows: bulk.length, upserted: bulk.length, rejected: 0 });

  const firstAfter = await waitFor(() => load.succeededSince(killedAt)[0], "an analysis after the restart");
  const outcomes = await load.stop();
  for (const o of outcomes) assert.ok(o.code === Status.OK || o.code === Status.UNAVAILABLE, `${Status[o.code]}: ${o.details}`);

  // Reconciliation: the points each restaurant holds against the reviews asked for.
  let duplicated = 0;
  let missing = 0;
  for (const restaurant of bulkRestaurants) {
    const expected = bulk.filter((r) => r.restaurant_id === restaurant).map((r) => r.review_id);
    const points = await pointsOf(restaurant);
    duplicated += points.length - new Set(points).size;
    missing += expected.filter((id) => !points.includes(id)).length;
    const stats = (await vectors.client.getRestaurantStats({ restaurantIds: [restaurant] })).restaurants[0]!;
    assert.equal(stats.reviewCount, expected.length, `${restaurant}: the review count of its representative vector`);
  }
  assert.equal(duplicated, 0, "no review stored twice");
  assert.equal(missing, 0, "no review missing");

  writeFaultRecord({
    fault: "vector-search SIGKILLed during a bulk UploadReviews and restarted",
    load: `${load.description}; plus \`reviewlens ingest\` of ${bulk.length} reviews (${bulkRestaurants.length} restaurants)`,
    sent: outcomes.length + 1,
    succeeded: outcomes.filter((o) => o.code === Status.OK).length + 1,
    refused: countByCode(outcomes.filter((o) => o.code !== Status.OK)),
    lost: missing,
    duplicated,
    recoveryMs: firstAfter.endedAt - killedAt,
    reconciliation: `killed with ${partial} of ${bulk.length} reviews stored; the CLI sent the upload ${summary.attempts} times; afterwards every restaurant holds exactly its reviews (searched points, distinct IDs, and its review count); analyses refused while vector-search was down are UNAVAILABLE; recovery = kill to the first analysis completed after the restart`,
  });
});
