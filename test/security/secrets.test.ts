// No secret ever reaches a log line, a /metrics page, an exported span or an error message. The
// stack (vllm-sim, gateway, vector-search, sentiment, summarization) and the watchdog run with every
// secret set to a marker: the gateway's gRPC API key (which vector-search and the analysis services
// send), the facade's key, the backends' API key, the PostgreSQL password, a Redis password (a
// redis-server started with requirepass), the RunPod API key and a webhook URL's token, plus a
// client's wrong key. Every RPC is driven, failing ones too (wrong and missing keys, bad input,
// unknown restaurants, backend errors, schema-violating model output, a RunPod API answering 500);
// then every line, page, span and message is searched for every marker. The markers must also have
// done their work (calls with the right keys succeed, without them fail), so the search means something.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { common, inference, sentiment, summarization, vectorsearch } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import {
  createTestDatabase,
  freePort,
  startAnalysisStack,
  startOtlpReceiver,
  startRecordingServer,
  startServiceProcess,
  uploadReviewRecords,
  waitFor,
  type AnalysisStack,
  type OtlpReceiver,
  type RecordingServer,
  type ServiceProcess,
  type TestDatabase,
} from "@reviewlens/testkit";
import { ClientError, Metadata, Status } from "nice-grpc";
import pg from "pg";

const SECRETS = {
  grpcKey: "sekret-grpc-k3y-4c1f",
  facadeKey: "sekret-facade-k3y-9b2e",
  vllmKey: "sekret-vllm-k3y-71d0",
  pgPassword: "sekret-pg-pa55-0e8a",
  redisPassword: "sekret-redis-pa55-5f3c",
  runpodKey: "sekret-runpod-k3y-22aa",
  webhookToken: "sekret-webhook-t0ken-8d1b",
  wrongKey: "sekret-wrong-k3y-6e6e",
};
const MARKER = /sekret-[a-z]+-[a-z0-9]+-[0-9a-f]{4}/g;

/** The markers found in `text` (with where), for the failure message. */
function leaks(where: string, text: string): string[] {
  return [...new Set(text.match(MARKER) ?? [])].map((m) => `${m} in ${where}: ...${text.slice(Math.max(0, text.indexOf(m) - 80), text.indexOf(m) + 40)}...`);
}

describe("secrets never leak", () => {
  let redis: ChildProcess;
  let db: TestDatabase;
  let databaseUrl: string;
  let receiver: OtlpReceiver;
  let stack: AnalysisStack;
  let runpod: RecordingServer;
  let watchdog: ServiceProcess;
  const messages: string[] = []; // every error message and facade body a client received

  before(async () => {
    const redisPort = await freePort();
    redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--requirepass", SECRETS.redisPassword, "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    // A role that logs in with the marker as its password (the test server trusts loopback, so the
    // password travels in the URL and the connection as it would in production).
    db = await createTestDatabase("secrets");
    const admin = new pg.Client({ connectionString: process.env["TEST_DATABASE_URL"] });
    await admin.connect();
    const name = new URL(db.url).pathname.slice(1);
    await admin.query("DO $$ BEGIN CREATE ROLE leak_check LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    await admin.query(`ALTER ROLE leak_check PASSWORD '${SECRETS.pgPassword}'`);
    await admin.query(`ALTER DATABASE ${name} OWNER TO leak_check`);
    await admin.end();
    const url = new URL(db.url);
    url.username = "leak_check";
    url.password = SECRETS.pgPassword;
    databaseUrl = url.toString();

    receiver = await startOtlpReceiver();
    stack = await startAnalysisStack({
      simArgs: ["--time-scale", "0.01", "--output", "grounded"],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "100", DATABASE_URL: databaseUrl, GATEWAY_GRPC_API_KEY: SECRETS.grpcKey, VECTOR_SEARCH_EMBEDDER: "gateway", VECTOR_SEARCH_QDRANT_API_KEY: SECRETS.vllmKey, METRICS_FLUSH_INTERVAL_MS: "100" },
      gatewayEnv: { GATEWAY_API_KEY: SECRETS.facadeKey, GATEWAY_BACKEND_API_KEY: SECRETS.vllmKey },
      analysisEnv: { REDIS_URL: `redis://:${SECRETS.redisPassword}@127.0.0.1:${redisPort}` },
      recordBackend: true,
    });
    runpod = await startRecordingServer(() => ({ status: 200, body: { id: "pod-leak" } }));
    let stopCalls = 0;
    runpod.respondWith((r) => (r.path.endsWith("/stop") && ++stopCalls === 1 ? { status: 500, body: { error: "internal" } } : { status: 200, body: { id: "pod-leak" } }));
    watchdog = await startServiceProcess({
      entry: "services/watchdog/src/main.ts",
      args: [
        "--check-interval=0.2",
        "--idle-limit=2",
        "--min-runtime=0",
        "--gpu-signal=none",
        "--actuator=runpod",
        "--runpod-pod-id=pod-leak",
        `--runpod-api-url=${runpod.url}/v1`,
        `--webhook-url=${runpod.url}/hook/${SECRETS.webhookToken}`,
        "--metrics-port=0",
        `--gateway-metrics-url=http://127.0.0.1:${stack.gateway.metricsPort}/metrics`,
        `--vllm-metrics-url=${stack.simUrl}/metrics`,
      ],
      env: { WATCHDOG_RUNPOD_API_KEY: SECRETS.runpodKey, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      readyWhen: (line) => typeof line["metricsPort"] === "number" && String(line["msg"]).startsWith("watchdog watching"),
    });
  });

  after(async () => {
    await watchdog?.stop();
    await runpod?.close();
    await stack?.stop();
    await receiver?.close();
    if (redis && redis.exitCode === null) {
      redis.kill("SIGTERM");
      await once(redis, "exit");
    }
    await db?.drop();
  });

  /** Runs a call; a failure's message is kept for the search and its code returned. */
  async function attempt(call: () => Promise<unknown>): Promise<Status> {
    try {
      await call();
      return Status.OK;
    } catch (error) {
      assert.ok(error instanceof ClientError, String(error));
      messages.push(error.details);
      return error.code;
    }
  }

  async function facade(path: string, init: RequestInit & { key?: string } = {}) {
    const httpPort = stack.gateway.logs.map((l) => l["httpPort"]).find((p) => typeof p === "number") as number;
    const response = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
      ...init,
      headers: { "content-type": "application/json", authorization: `Bearer ${init.key ?? SECRETS.facadeKey}`, ...(init.headers as Record<string, string>) },
    });
    const body = await response.text();
    messages.push(body);
    return response.status;
  }

  it("drives every RPC, failing ones included, with every secret set", async () => {
    const gateway = createServiceClient(inference.InferenceGatewayServiceDefinition, stack.gateway.address, { apiKey: SECRETS.grpcKey });
    const keyless = createServiceClient(inference.InferenceGatewayServiceDefinition, stack.gateway.address);
    const vectors = createServiceClient(vectorsearch.VectorSearchServiceDefinition, stack.vectorSearch.address);
    const sentimentClient = createServiceClient(sentiment.SentimentServiceDefinition, stack.sentiment.address);
    const summarizationClient = createServiceClient(summarization.SummarizationServiceDefinition, stack.summarization.address);
    try {
      const request = { prompt: { $case: "text" as const, value: "리뷰를 요약해 주세요" }, sampling: { maxTokens: 4 } };
      // The gateway's key: required, and passed on by every service that calls the gateway.
      assert.equal(await attempt(() => gateway.client.complete({ request })), Status.OK);
      assert.equal(await attempt(async () => {
        for await (const m of gateway.client.generate({ request })) void m;
      }), Status.OK);
      assert.equal(await attempt(() => gateway.client.embed({ texts: ["맛있어요"] })), Status.OK);
      assert.equal(await attempt(() => gateway.client.getStatus({})), Status.OK);
      assert.equal(await attempt(() => keyless.client.complete({ request })), Status.UNAUTHENTICATED);
      assert.equal(await attempt(() => keyless.client.getStatus({}, { metadata: Metadata({ authorization: `Bearer ${SECRETS.wrongKey}` }) })), Status.UNAUTHENTICATED);
      assert.equal(await attempt(() => gateway.client.complete({ request: { ...request, sampling: { maxTokens: 10 ** 6 } } })), Status.INVALID_ARGUMENT);

      const reviews = ["국물이 진하고 맛있어요", "직원이 친절해요", "가격이 비싸요", "웨이팅이 길어요", "양이 많아요"].map((text, i) => ({
        review_id: `leak-${i}`,
        restaurant_id: "leak-r1",
        text,
        rating: 2 + (i % 4),
        created_at: `2026-0${i + 1}-01T00:00:00Z`,
        images: [{ image_id: `img-${i}`, url: "https://img.example/x.jpg", caption: "국수" }],
      }));
      assert.equal((await uploadReviewRecords(stack.vectorSearch.address, reviews)).upserted, reviews.length, "vector-search embedded through the gateway with its key");
      const review = { reviewId: "leak-9", restaurantId: "leak-r1", text: "괜찮아요", rating: 3, createdAt: "2026-07-01T00:00:00Z", images: [] };
      assert.equal(await attempt(() => vectors.client.upsertReviews({ reviews: [review] })), Status.OK);
      assert.equal(await attempt(() => vectors.client.upsertReviews({ reviews: [{ ...review, rating: 9 }] })), Status.INVALID_ARGUMENT);
      assert.equal(await attempt(() => vectors.client.deleteReviews({ reviewIds: ["leak-9", "never"] })), Status.OK);
      assert.equal(await attempt(() => vectors.client.searchSimilarReviews({ query: { $case: "text", value: "국물" } })), Status.OK);
      assert.equal(await attempt(() => vectors.client.getRepresentativeReviews({ restaurantId: "leak-r1" })), Status.OK);
      assert.equal(await attempt(() => vectors.client.getRepresentativeReviews({ restaurantId: "nowhere" })), Status.INVALID_ARGUMENT);
      assert.equal(await attempt(() => vectors.client.searchImages({ query: "국수", expansions: 0 })), Status.OK);
      assert.equal(await attempt(() => vectors.client.getRestaurantStats({})), Status.OK);

      // The analysis services: their gateway key, the Redis password and the PostgreSQL password at work.
      const options = { topK: 5, force: true, priority: common.Priority.PRIORITY_INTERACTIVE };
      assert.equal(await attempt(() => sentimentClient.client.analyzeRestaurant({ restaurantId: "leak-r1", options })), Status.OK);
      assert.equal(await attempt(() => sentimentClient.client.analyzeRestaurant({ restaurantId: "nowhere", options })), Status.NOT_FOUND);
      assert.equal(await attempt(async () => {
        for await (const m of sentimentClient.client.analyzeRestaurants({ restaurantIds: ["leak-r1", "nowhere"], options })) messages.push(m.report?.error ?? "");
      }), Status.OK);
      assert.equal(await attempt(() => summarizationClient.client.summarize({ restaurantId: "leak-r1", options })), Status.OK);
      assert.equal(await attempt(async () => {
        for await (const m of summarizationClient.client.summarizeBatch({ restaurantIds: ["leak-r1", "nowhere"], options })) messages.push(m.report?.error ?? "");
      }), Status.OK);
      assert.equal(await attempt(() => summarizationClient.client.extractStrengths({ restaurantId: "leak-r1", options, minSupport: 0.05 })), Status.OK);
      assert.equal(await attempt(() => summarizationClient.client.extractStrengths({ restaurantId: "leak-r1", minSupport: 7 })), Status.INVALID_ARGUMENT);

      // Backend failures: every generation refused with 500, then model output that breaks the schema.
      const faults = (body: object) => fetch(`${stack.simUrl}/sim/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.equal((await faults({ errorRate: 1, errorTypes: ["500"] })).status, 200);
      assert.notEqual(await attempt(() => gateway.client.complete({ request })), Status.OK);
      assert.notEqual(await attempt(() => summarizationClient.client.summarize({ restaurantId: "leak-r1", options })), Status.OK);
      assert.equal((await faults({ errorRate: 0, schemaViolationRate: 1 })).status, 200);
      await attempt(() => sentimentClient.client.analyzeRestaurant({ restaurantId: "leak-r1", options }));
      await attempt(() => summarizationClient.client.summarize({ restaurantId: "leak-r1", options }));
      assert.equal((await faults({ schemaViolationRate: 0 })).status, 200);
      // The failures may have taken the replica out of rotation: wait until its probes put it back.
      await waitFor(async () => (await gateway.client.getStatus({})).backends.every((b) => b.healthy) || undefined, "the replica back in rotation");

      // The facade: its key, a wrong one, bad bodies.
      assert.equal(await facade("/v1/models"), 200);
      assert.equal(await facade("/v1/completions", { method: "POST", body: JSON.stringify({ prompt: "hi", max_tokens: 3 }) }), 200);
      assert.equal(await facade("/v1/chat/completions", { method: "POST", body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: 3, stream: true }) }), 200);
      assert.equal(await facade("/v1/embeddings", { method: "POST", body: JSON.stringify({ input: "맛있어요" }) }), 200);
      assert.equal(await facade("/v1/models", { key: SECRETS.wrongKey }), 401);
      assert.equal(await facade("/v1/completions", { method: "POST", body: "{" }), 400);
      assert.equal(await facade("/admin/backends"), 200);

      // The watchdog stops the idle "pod" through the RunPod API (the first attempt answered 500).
      await waitFor(() => runpod.requests.filter((r) => r.path.endsWith("/stop")).length >= 2 || undefined, "the retried RunPod stop call");
      const stop = runpod.requests.find((r) => r.path.endsWith("/stop"))!;
      assert.equal(stop.headers["authorization"], `Bearer ${SECRETS.runpodKey}`, "the RunPod key was used");
      assert.ok(runpod.requests.some((r) => r.path.includes(SECRETS.webhookToken)), "the webhook URL was used");
      // The backends got the backends' key; PostgreSQL has the services' rows.
      assert.ok(stack.backend!.seen.some((r) => r.headers["authorization"] === `Bearer ${SECRETS.vllmKey}`), "the gateway sent its backend key");
      const rows = new pg.Client({ connectionString: databaseUrl });
      await rows.connect();
      try {
        await waitFor(async () => Number((await rows.query<{ n: string }>("SELECT count(*) AS n FROM analysis_metrics")).rows[0]!.n) > 0 || undefined, "analysis_metrics rows");
        await waitFor(async () => Number((await rows.query<{ n: string }>("SELECT count(*) AS n FROM vllm_metrics")).rows[0]!.n) > 0 || undefined, "vllm_metrics rows");
      } finally {
        await rows.end();
      }
    } finally {
      for (const c of [gateway, keyless, vectors, sentimentClient, summarizationClient]) c.channel.close();
    }
  });

  it("finds no secret in any log line, /metrics page, exported span or error message", async () => {
    const processes = { "vllm-sim": stack.sim, "inference-gateway": stack.gateway, "vector-search": stack.vectorSearch, sentiment: stack.sentiment, summarization: stack.summarization, watchdog };
    // Spans of every traced service have been exported before the search.
    await waitFor(() => ["inference-gateway", "vector-search", "sentiment", "summarization"].every((s) => receiver.spans.some((span) => span.service === s)) || undefined, "spans from every traced service");
    const pages: Record<string, string> = { "vllm-sim /metrics": await (await fetch(`${stack.simUrl}/metrics`)).text() };
    for (const [name, p] of Object.entries(processes)) if (p.metricsPort) pages[`${name} /metrics`] = await (await fetch(`http://127.0.0.1:${p.metricsPort}/metrics`)).text();
    // Shutdown logs too: stop every process, then read everything they wrote.
    await watchdog.stop();
    await stack.stop();
    const found: string[] = [];
    for (const [name, p] of Object.entries(processes)) {
      found.push(...leaks(`${name}'s log`, p.logs.map((l) => JSON.stringify(l)).join("\n")), ...leaks(`${name}'s stderr`, p.stderr.join("\n")));
    }
    for (const [name, page] of Object.entries(pages)) found.push(...leaks(name, page));
    found.push(...leaks("the exported spans", receiver.bodies.join("\n")));
    found.push(...leaks("an error message or answer a client received", messages.join("\n")));
    const logged = Object.fromEntries(Object.entries(processes).map(([name, p]) => [name, p.logs.length]));
    assert.ok(Object.values(logged).every((n) => n >= 2), `every process logged: ${JSON.stringify(logged)}`);
    assert.ok(receiver.bodies.length > 0 && messages.length > 10);
    assert.deepEqual(found, []);
  });
});
