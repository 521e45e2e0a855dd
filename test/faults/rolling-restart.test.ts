// Fault under load: a rolling restart of every gRPC service in turn (a new process started in the
// free slot and ready first, then SIGTERM to the old one) while clients built with the runtime's
// client call them: idempotent reads of the gateway and vector-search, and forced analyses. Every
// old process drains and exits 0, and no call fails.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { inference, vectorsearch } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { createTestDatabase, uploadReviewRecords, waitFor, type TestDatabase } from "@reviewlens/testkit";
import { Status } from "nice-grpc";
import { FaultStack, type ServiceName, type Slot } from "./fault-stack.js";
import { isServing, MetricsRows, prefixedReviews, restaurantsOf } from "./fault-fixtures.js";
import { writeFaultRecord } from "./fault-record.js";
import { analysisClients, analysisLoad, countByCode, SteadyLoad, type AnalysisClients } from "./steady-load.js";

const PREFIX = "rr";
const reviews = prefixedReviews(PREFIX, 4, 12);
let db: TestDatabase;
let stack: FaultStack;
let clients: AnalysisClients;
let gateway: ReturnType<typeof createServiceClient<typeof inference.InferenceGatewayServiceDefinition>>;
let vectors: ReturnType<typeof createServiceClient<typeof vectorsearch.VectorSearchServiceDefinition>>;

before(async () => {
  db = await createTestDatabase("faults_rolling");
  // Two processes of a service overlap during its restart: the metrics store is PostgreSQL, not the
  // embedded one of a data directory.
  stack = await FaultStack.start({ simArgs: ["--time-scale", "0.1", "--mean-output-tokens", "24"], env: { DATABASE_URL: db.url } });
  clients = analysisClients(stack.address("sentiment"), stack.address("summarization"));
  gateway = createServiceClient(inference.InferenceGatewayServiceDefinition, stack.address("gateway"));
  vectors = createServiceClient(vectorsearch.VectorSearchServiceDefinition, stack.address("vector-search"));
  await uploadReviewRecords(stack.slotAddress("vector-search", 0), reviews);
});

after(async () => {
  await Promise.all([reads?.stop(), analyses?.stop()]);
  clients?.close();
  gateway?.channel.close();
  vectors?.channel.close();
  await stack?.stop();
  await db?.drop();
});

/** Idempotent calls (NO_SIDE_EFFECTS in the proto): the runtime's client retries them. */
function idempotentLoad(restaurants: readonly string[], loops: number): SteadyLoad {
  const calls: Array<(key: string, signal: AbortSignal) => Promise<unknown>> = [
    (_, signal) => gateway.client.getStatus({}, { signal }),
    (key, signal) => gateway.client.embed({ texts: [`${key} 국물이 진해요`], model: "" }, { signal }),
    (key, signal) => vectors.client.searchSimilarReviews({ query: { $case: "text", value: "친절" }, filter: { restaurantId: key }, topK: 5 }, { signal }),
    (key, signal) => vectors.client.getRepresentativeReviews({ restaurantId: key, topK: 5 }, { signal }),
    (key, signal) => vectors.client.getRestaurantStats({ restaurantIds: [key] }, { signal }),
  ];
  return new SteadyLoad(
    async (loop, iteration, signal) => {
      const key = restaurants[(loop + iteration) % restaurants.length]!;
      const kind = ["GetStatus", "Embed", "SearchSimilarReviews", "GetRepresentativeReviews", "GetRestaurantStats"][(loop + iteration) % calls.length]!;
      try {
        await calls[(loop + iteration) % calls.length]!(key, signal);
        return { kind, key, llmRequests: 0 };
      } catch (error) {
        throw Object.assign(error as Error, { kind, key });
      }
    },
    loops,
    `${loops} closed loops of idempotent calls (GetStatus, Embed, SearchSimilarReviews, GetRepresentativeReviews, GetRestaurantStats)`,
    50,
  );
}

// One load for the whole file; each service's restart is a test of its own (each within the
// runner's per-test time-out on a busy machine), the reconciliation the last one.
let reads: SteadyLoad;
let analyses: SteadyLoad;
const restarts: Array<{ service: ServiceName; exitCode: number | null; ms: number }> = [];
let startedAt = 0;

test("the load is under way: idempotent reads and forced analyses through clients naming both slots", async () => {
  const restaurants = restaurantsOf(reviews);
  reads = idempotentLoad(restaurants, 2).start();
  analyses = analysisLoad(clients, restaurants, 2).start();
  await waitFor(() => (analyses.succeededSince(0).length >= 2 && reads.succeededSince(0).length >= 5) || undefined, "the load to be under way");
  startedAt = Date.now();
});

for (const service of ["vector-search", "gateway", "sentiment", "summarization"] as ServiceName[]) {
  test(`rolling restart of ${service}: the new process is ready, the old one drains and exits 0, the load goes on`, async () => {
    const old = stack.slotOf(service)!;
    const next = (1 - old) as Slot;
    const t0 = Date.now();
    await stack.startService(service, next);
    await waitFor(async () => (await isServing(stack.slotAddress(service, next))) || undefined, `the new ${service} to be ready`);
    const exitCode = await stack.stopService(service, old, "SIGTERM");
    restarts.push({ service, exitCode, ms: Date.now() - t0 });
    assert.equal(exitCode, 0);
    // Some of the load runs against the new process alone before the next service restarts.
    const since = Date.now();
    await waitFor(() => (analyses.succeededSince(since).length >= 2 && reads.succeededSince(since).length >= 5) || undefined, `the load to go on after ${service}`);
  });
}

test("across the four restarts no call failed, and every LLM request was stored once", async () => {
  const [readOutcomes, analysisOutcomes] = await Promise.all([reads.stop(), analyses.stop()]);
  assert.deepEqual(restarts.map((r) => r.service), ["vector-search", "gateway", "sentiment", "summarization"]);
  const failed = (outcomes: typeof readOutcomes) => outcomes.filter((o) => o.code !== Status.OK).map((o) => `${o.kind} ${Status[o.code]}: ${o.details}`);
  assert.deepEqual(failed(readOutcomes), [], "no idempotent call failed");
  assert.deepEqual(failed(analysisOutcomes), [], "no analysis failed");

  // Every analysis' LLM requests stored once: no call was run twice by a retry.
  const llmRequests = analysisOutcomes.reduce((n, o) => n + o.llmRequests, 0);
  await stack.stop(); // flushes the metrics rows
  const rows = new MetricsRows(db.url);
  const stored = await rows.vllmRows(PREFIX).finally(() => rows.close());
  assert.deepEqual(stored, { rows: llmRequests, distinct: llmRequests });

  const outcomes = [...readOutcomes, ...analysisOutcomes];
  writeFaultRecord({
    fault: "rolling restart (SIGTERM after a new process is ready) of vector-search, gateway, sentiment, summarization",
    load: `${reads.description}; ${analyses.description}`,
    sent: outcomes.length,
    succeeded: outcomes.filter((o) => o.code === Status.OK).length,
    refused: countByCode(outcomes.filter((o) => o.code !== Status.OK)),
    lost: outcomes.filter((o) => o.code !== Status.OK).length + Math.max(0, llmRequests - stored.rows),
    duplicated: Math.max(0, stored.rows - llmRequests),
    recoveryMs: Math.max(...restarts.map((r) => r.ms)),
    reconciliation: `${readOutcomes.length} idempotent calls and ${analysisOutcomes.length} analyses over ${Math.round((Date.now() - startedAt) / 1000)} s of restarts; exit codes ${restarts.map((r) => `${r.service} ${r.exitCode}`).join(", ")}; vllm_metrics holds ${stored.rows} rows for the analyses' ${llmRequests} LLM requests; recovery = the longest restart (new process started and ready, old one drained)`,
  });
});
