// PostgreSQL stopped mid-test: recording never blocks or fails, rows wait in the buffer and arrive
// once the server is back; past the bound the loss is reported as a metric and a log line.
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { after, before, test } from "node:test";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { openMetricsStore } from "../src/index.js";
import { vllmRow } from "./metrics-store-contract.js";
import { waitFor, captureLogger, createTestDatabase, type TestDatabase } from "@reviewlens/testkit";

function pgCtl(action: "stop" | "start"): void {
  const ctl = process.env["TEST_PG_CTL"];
  if (!ctl) throw new Error("TEST_PG_CTL is not set: run through scripts/test-servers.sh");
  // Starting a running server is a no-op here (cleanup paths start it unconditionally).
  const command = action === "start" ? `${ctl} status >/dev/null || ${ctl} start` : `${ctl} stop`;
  execSync(command, { stdio: "ignore", shell: "/bin/bash" });
}

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase("metrics_outage");
});
after(async () => {
  pgCtl("start");
  await db.drop();
});

test("rows and state writes recorded while PostgreSQL is down arrive after it is back, once each", async () => {
  const { logger, lines } = captureLogger();
  const store = await openMetricsStore({
    databaseUrl: db.url,
    logger,
    batchSize: 20,
    flushIntervalMs: 10,
    retryInitialMs: 20,
    retryMaxMs: 200,
  });
  try {
    for (let i = 0; i < 30; i++) store.recordVllmMetrics(vllmRow(i));
    await store.flush();
    pgCtl("stop");
    for (let i = 30; i < 100; i++) store.recordVllmMetrics(vllmRow(i));
    store.recordAnalysisMetrics({
      restaurantId: "r-outage",
      analysisType: "sentiment",
      status: "completed",
      processingTimeMs: 10,
      tokensUsed: 1234,
      reviewsConsidered: 20,
      batchSize: 5,
      cacheHit: false,
      errorCount: 0,
      warningCount: 0,
    });
    const outcome = await store.writeAnalysisState({
      restaurantId: "r-outage",
      analysisType: "sentiment",
      fencing: 10,
      attemptAt: new Date(),
      success: { at: new Date(), reviewCount: 20, vectorVersion: 4, result: { ok: true } },
    });
    assert.equal(outcome, "deferred");
    await waitFor(() => lines.some((l) => l["msg"] === "metrics store: write failed, will retry"), "a retry log line");
    assert.ok(store.stats().vllmMetrics.buffered >= 70, "rows wait in the buffer");
    pgCtl("start");
    await store.flush();
    const [count] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM vllm_metrics");
    assert.equal(count?.n, 100);
    const [analysis] = await store.query<{ tokens_used: number }>("SELECT tokens_used FROM analysis_metrics WHERE restaurant_id = 'r-outage'");
    assert.equal(analysis?.tokens_used, 1234);
    const state = await store.getAnalysisState("r-outage", "sentiment");
    assert.deepEqual(state?.lastResult, { ok: true });
    assert.equal(state?.fencing, 10);
    assert.ok(lines.some((l) => l["msg"] === "metrics store: writes resumed"));
    assert.equal(store.stats().vllmMetrics.dropped, 0);
  } finally {
    pgCtl("start");
    await store.close();
  }
});

test("past the buffer bound during an outage the dropped rows are counted and logged", async () => {
  const { logger, lines } = captureLogger();
  const reader = new TestReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter("test");
  const store = await openMetricsStore({
    databaseUrl: db.url,
    logger,
    meter,
    batchSize: 10,
    maxBufferedRows: 25,
    flushIntervalMs: 10,
    retryInitialMs: 20,
    retryMaxMs: 100,
    closeTimeoutMs: 100,
  });
  try {
    pgCtl("stop");
    for (let i = 1000; i < 1100; i++) store.recordVllmMetrics(vllmRow(i));
    assert.equal(store.stats().vllmMetrics.buffered, 25);
    assert.equal(store.stats().vllmMetrics.dropped, 75);
    const log = lines.find((l) => l["msg"] === "metrics store: buffer full, oldest rows dropped");
    assert.equal(log?.["table"], "vllm_metrics");
    const { resourceMetrics } = await reader.collect();
    const dropped = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === "metrics_store_rows_dropped");
    assert.equal(dropped?.dataPoints[0]?.value, 75);
    pgCtl("start");
    await store.flush();
    const [count] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM vllm_metrics WHERE request_id LIKE 'req-10__'");
    assert.equal(count?.n, 25);
  } finally {
    pgCtl("start");
    await store.close();
  }
});
