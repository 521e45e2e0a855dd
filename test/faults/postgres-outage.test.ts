// Fault under load: PostgreSQL (the metrics store of the gateway and both analysis services) killed
// (`pg_ctl stop -m immediate`) and started again while forced analyses run. Every analysis
// completes, and every vllm_metrics and analysis_metrics row arrives exactly once.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase, uploadReviewRecords, waitFor, type TestDatabase } from "@reviewlens/testkit";
import { Status } from "nice-grpc";
import { FaultStack } from "./fault-stack.js";
import { MetricsRows, pgCtl, prefixedReviews, restaurantsOf } from "./fault-fixtures.js";
import { writeFaultRecord } from "./fault-record.js";
import { analysisClients, analysisLoad, countByCode, type AnalysisClients } from "./steady-load.js";

const PREFIX = "pg";
const reviews = prefixedReviews(PREFIX, 6, 12);
let db: TestDatabase;
let stack: FaultStack;
let rows: MetricsRows;
let clients: AnalysisClients;

before(async () => {
  db = await createTestDatabase("faults_postgres");
  stack = await FaultStack.start({
    simArgs: ["--time-scale", "0.1", "--mean-output-tokens", "24"],
    // Short retry backoff: the rows should follow soon after the database is back.
    env: { DATABASE_URL: db.url, METRICS_FLUSH_INTERVAL_MS: "50", METRICS_RETRY_MAX_MS: "500" },
  });
  rows = new MetricsRows(db.url);
  clients = analysisClients(stack.address("sentiment"), stack.address("summarization"));
  await uploadReviewRecords(stack.slotAddress("vector-search", 0), reviews);
});

after(async () => {
  pgCtl("start");
  clients?.close();
  await rows?.close();
  await stack?.stop();
  await db?.drop();
});

test("PostgreSQL killed and restarted under analysis load: every analysis completes, every metrics row arrives exactly once", async () => {
  const load = analysisLoad(clients, restaurantsOf(reviews), 3).start();
  await waitFor(() => load.succeededSince(0).length >= 3 || undefined, "the analysis load to be under way");

  const killedAt = Date.now();
  pgCtl("kill");
  let restartedAt: number;
  try {
    // Analyses keep completing while the database is down (their rows wait in the writers' buffers).
    await waitFor(() => load.succeededSince(killedAt).length >= 6 || undefined, "analyses completed during the outage");
  } finally {
    pgCtl("start");
    restartedAt = Date.now();
  }
  const duringOutage = load.succeededSince(killedAt).filter((o) => o.endedAt <= restartedAt).length;
  await waitFor(() => load.succeededSince(restartedAt).length >= 3 || undefined, "analyses after the restart");
  const outcomes = await load.stop();
  assert.deepEqual(countByCode(outcomes), { OK: outcomes.length }, "no analysis failed or was refused");
  const expectedVllmRows = outcomes.reduce((n, o) => n + o.llmRequests, 0);

  // Every row of the outage arrives once the database is back (the services are still running).
  await waitFor(async () => {
    const stored = await rows.vllmRows(PREFIX).catch(() => undefined);
    const analysed = await rows.analysisRows(PREFIX).catch(() => undefined);
    return (stored?.rows ?? 0) >= expectedVllmRows && (analysed?.["completed"] ?? 0) >= outcomes.length ? true : undefined;
  }, "every row of the outage written");
  const recoveryMs = Date.now() - killedAt;
  // A clean shutdown flushes whatever is left: after it, the counts are final.
  await stack.stop();
  const vllm = await rows.vllmRows(PREFIX);
  const analysis = await rows.analysisRows(PREFIX);
  assert.equal(vllm.rows, expectedVllmRows, "vllm_metrics: one row per LLM request the analyses reported");
  assert.equal(vllm.distinct, vllm.rows, "no request stored twice");
  assert.deepEqual(analysis, { completed: outcomes.length }, "analysis_metrics: one completed row per analysis, nothing else");

  writeFaultRecord({
    fault: "PostgreSQL killed and restarted (metrics store of the gateway and analyses)",
    load: load.description,
    sent: outcomes.length,
    succeeded: outcomes.filter((o) => o.code === Status.OK).length,
    refused: {},
    lost: Math.max(0, expectedVllmRows - vllm.rows) + Math.max(0, outcomes.length - (analysis["completed"] ?? 0)),
    duplicated: Math.max(0, vllm.rows - expectedVllmRows) + (vllm.rows - vllm.distinct) + Math.max(0, (analysis["completed"] ?? 0) - outcomes.length),
    recoveryMs,
    reconciliation: `${outcomes.length} analyses (${duringOutage} completed while PostgreSQL was down, ${Math.round((restartedAt - killedAt) / 1000)} s) reported ${expectedVllmRows} LLM requests; vllm_metrics holds ${vllm.rows} rows (${vllm.distinct} distinct), analysis_metrics ${JSON.stringify(analysis)}; recovery = kill to every buffered row written`,
  });
});
