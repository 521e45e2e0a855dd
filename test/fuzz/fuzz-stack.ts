// The stack the fuzzer drives: vllm-sim behind a recording proxy, the gateway (with its OpenAI
// facade), vector-search embedding through the gateway, sentiment and summarization, all on
// loopback with real PostgreSQL (every metrics table and analysis_state) and Redis (the locks).
// A small seed data set makes valid analyses cheap; the barrier restaurant's analyses flush every
// service's metrics writer, so a snapshot taken after a barrier holds every row written before it.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { common, inference, sentiment, summarization, vectorsearch } from "@reviewlens/contracts";
import { generateDataset } from "@reviewlens/demo-data";
import {
  createTestDatabase,
  RawGrpcClient,
  startAnalysisStack,
  uploadReviewRecords,
  waitFor,
  type AnalysisStack,
  type ReviewRecordLike,
  type ServiceProcess,
  type TestDatabase,
} from "@reviewlens/testkit";
import { createChannel, createClient, type Channel, type Client } from "nice-grpc";
import { HealthDefinition } from "nice-grpc-server-health";
import { HealthCheckResponse_ServingStatus } from "nice-grpc-server-health/lib/proto/grpc/health/v1/health.js";
import pg from "pg";
import { takeSnapshot, type StoreSnapshot } from "./store-snapshot.js";

export const BARRIER_RESTAURANT = "fuzz-barrier";
export const FACADE_KEY = "fuzz-facade-key";
/** The services' GRPC_MAX_MESSAGE_BYTES: small enough that over-size messages are cheap to send. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export type ServiceName = "gateway" | "vectorSearch" | "sentiment" | "summarization";

export interface FuzzClients {
  gateway: Client<typeof inference.InferenceGatewayServiceDefinition>;
  vectorSearch: Client<typeof vectorsearch.VectorSearchServiceDefinition>;
  sentiment: Client<typeof sentiment.SentimentServiceDefinition>;
  summarization: Client<typeof summarization.SummarizationServiceDefinition>;
}

export interface FuzzStack {
  readonly stack: AnalysisStack;
  readonly clients: FuzzClients;
  readonly raw: Record<ServiceName, RawGrpcClient>;
  readonly facadeUrl: string;
  /** The seed reviews (restaurants r001..., plus the barrier restaurant). */
  readonly reviews: readonly ReviewRecordLike[];
  readonly restaurants: readonly string[];
  /** Generation, embedding and tokenize requests the simulator has received so far. */
  backendWork(): number;
  /** Waits until every metrics row written before this call is in PostgreSQL. */
  barrier(): Promise<void>;
  snapshot(): Promise<StoreSnapshot>;
  /** What is wrong with the processes: one that exited (crashed or restarted), one not SERVING. */
  problems(): Promise<string[]>;
  /** Stops everything; with `logsDir`, first writes each process's log there (to read after failures). */
  stop(logsDir?: string): Promise<void>;
}

const BACKEND_WORK = /^\/(v1\/(completions|chat\/completions|embeddings)|tokenize)/;

export async function startFuzzStack(seed: number): Promise<FuzzStack> {
  const redisUrl = process.env["TEST_REDIS_URL"];
  if (!redisUrl) throw new Error("TEST_REDIS_URL is not set: run through scripts/test-servers.sh");
  const db: TestDatabase = await createTestDatabase("fuzz");
  let stack: AnalysisStack;
  try {
    stack = await startAnalysisStack({
      simArgs: ["--time-scale", "0.01", "--seed", String(seed)],
      env: { DATABASE_URL: db.url, METRICS_FLUSH_INTERVAL_MS: "100", GRPC_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES), VECTOR_SEARCH_EMBEDDER: "gateway" },
      gatewayEnv: { GATEWAY_API_KEY: FACADE_KEY, GATEWAY_PROBE_INTERVAL_MS: "200" },
      analysisEnv: { REDIS_URL: redisUrl, LOCK_KEY_PREFIX: `fuzz-${seed}-${Date.now()}` },
      recordBackend: true,
    });
  } catch (error) {
    await db.drop();
    throw error;
  }
  const { reviews: seedReviews } = generateDataset({ seed, restaurants: 3, reviewsPerRestaurant: 8, imageShare: 0.5 });
  const reviews: ReviewRecordLike[] = [
    ...seedReviews,
    ...["맛있어요, 또 올게요", "친절하고 깨끗해요", "가격이 조금 비싸요"].map((text, i) => ({
      review_id: `${BARRIER_RESTAURANT}-${i}`,
      restaurant_id: BARRIER_RESTAURANT,
      text,
      rating: 4 + (i % 2),
      created_at: `2026-0${i + 1}-01T00:00:00Z`,
    })),
  ];
  const channels: Channel[] = [];
  const channel = (p: ServiceProcess) => {
    const c = createChannel(p.address, undefined, { "grpc.max_send_message_length": -1, "grpc.max_receive_message_length": -1 });
    channels.push(c);
    return c;
  };
  const processes: Record<ServiceName, ServiceProcess> = { gateway: stack.gateway, vectorSearch: stack.vectorSearch, sentiment: stack.sentiment, summarization: stack.summarization };
  const clients: FuzzClients = {
    gateway: createClient(inference.InferenceGatewayServiceDefinition, channel(stack.gateway)),
    vectorSearch: createClient(vectorsearch.VectorSearchServiceDefinition, channel(stack.vectorSearch)),
    sentiment: createClient(sentiment.SentimentServiceDefinition, channel(stack.sentiment)),
    summarization: createClient(summarization.SummarizationServiceDefinition, channel(stack.summarization)),
  };
  const raw = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, new RawGrpcClient(p.address)])) as Record<ServiceName, RawGrpcClient>;
  const health = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, createClient(HealthDefinition, channel(p))]));
  const facadePort = stack.gateway.logs.find((l) => typeof l["httpPort"] === "number")!["httpPort"] as number;
  const pids = [stack.sim, ...Object.values(processes)].map((p) => p.child.pid);

  const upload = await uploadReviewRecords(stack.vectorSearch.address, reviews);
  if (upload.upserted !== reviews.length) throw new Error(`seed upload stored ${upload.upserted} of ${reviews.length}: ${JSON.stringify(upload.errors)}`);

  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const countRows = async (sql: string, params: unknown[]) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);
  let barriers = 0;

  return {
    stack,
    clients,
    raw,
    facadeUrl: `http://127.0.0.1:${facadePort}`,
    reviews,
    restaurants: [...new Set(seedReviews.map((r) => r.restaurant_id))],
    backendWork: () => stack.backend!.seen.filter((r) => r.method === "POST" && BACKEND_WORK.test(r.url)).length,
    async barrier() {
      const tag = `barrier-${++barriers}`;
      const completed = await clients.gateway.complete({
        request: { prompt: { $case: "text", value: tag }, sampling: { maxTokens: 2, temperature: 1, stop: [], minTokens: 0, ignoreEos: false }, restaurantId: BARRIER_RESTAURANT, analysisType: "fuzz-barrier", priority: common.Priority.PRIORITY_INTERACTIVE, model: "", ttftDeadlineMs: 0, idempotencyKey: "" },
      });
      const requestId = completed.execution!.requestId;
      const analyses = "SELECT count(*) AS n FROM analysis_metrics WHERE restaurant_id = $1";
      const before = await countRows(analyses, [BARRIER_RESTAURANT]);
      const options = { topK: 3, force: true, priority: common.Priority.PRIORITY_INTERACTIVE };
      await Promise.all([clients.sentiment.analyzeRestaurant({ restaurantId: BARRIER_RESTAURANT, options }), clients.summarization.summarize({ restaurantId: BARRIER_RESTAURANT, options, aspects: [] })]);
      await waitFor(async () => (await countRows("SELECT count(*) AS n FROM vllm_metrics WHERE request_id = $1", [requestId])) === 1 || undefined, `the gateway's row of ${tag}`);
      await waitFor(async () => (await countRows(analyses, [BARRIER_RESTAURANT])) >= before + 2 || undefined, `both analysis services' rows of ${tag}`);
    },
    snapshot: () => takeSnapshot(stack.dataDir, db.url, BARRIER_RESTAURANT),
    async problems() {
      const found: string[] = [];
      [stack.sim, ...Object.values(processes)].forEach((p, i) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null || p.child.pid !== pids[i]) {
          found.push(`${p.child.spawnargs.find((a) => a.endsWith("main.ts"))} exited (${p.child.exitCode ?? p.child.signalCode}): ${p.stderr.slice(-5).join(" | ")}`);
        }
      });
      for (const [name, client] of Object.entries(health)) {
        const status = await client.check({ service: "" }, { signal: AbortSignal.timeout(60_000) }).then(
          (r) => r.status,
          (e: unknown) => String(e),
        );
        if (status !== HealthCheckResponse_ServingStatus.SERVING) found.push(`${name} health is ${status}, not SERVING`);
      }
      const sim = await fetch(`${stack.simUrl}/health`).then((r) => r.status, (e: unknown) => String(e));
      if (sim !== 200) found.push(`vllm-sim /health answered ${sim}`);
      return found;
    },
    async stop(logsDir) {
      if (logsDir) {
        mkdirSync(logsDir, { recursive: true });
        for (const [name, p] of Object.entries({ sim: stack.sim, ...processes })) {
          writeFileSync(join(logsDir, `${name}.log`), [...p.logs.map((l) => JSON.stringify(l)), ...p.stderr].join("\n"));
        }
      }
      await pool.end();
      for (const c of Object.values(raw)) c.close();
      for (const c of channels) c.close();
      await stack.stop();
      await db.drop();
    },
  };
}
