// The behaviour every backing database of the store must show (PostgreSQL and embedded PGlite).
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { MetricsStore, MetricsStoreOptions, VllmMetricsRow } from "../src/index.js";

export type OpenStore = (overrides?: Partial<MetricsStoreOptions>) => Promise<MetricsStore>;

export function vllmRow(i: number, extra: Partial<VllmMetricsRow> = {}): VllmMetricsRow {
  return {
    requestId: `req-${i}`,
    restaurantId: `r${i % 7}`,
    analysisType: "sentiment",
    priority: "batch",
    backend: "http://127.0.0.1:1",
    queueMs: i,
    ttftMs: 100 + i,
    prefillMs: 50,
    decodeMs: 200,
    e2eMs: 300 + i,
    promptTokens: 1000 + i,
    cachedPromptTokens: 512,
    outputTokens: 100,
    tpotMs: 2,
    tokensPerS: 500,
    metSlo: i % 2 === 0,
    ...extra,
  };
}

export function metricsStoreContract(open: OpenStore): void {
  // One store for the tests that need no close and reopen: opening PGlite costs seconds.
  let shared: Promise<MetricsStore> | undefined;
  const sharedStore = () => (shared ??= open());
  after(async () => {
    await (await shared)?.close();
  });

  test("migrations are recorded once and reopening changes nothing", async () => {
    const first = await open();
    await first.close();
    const store = await open();
    try {
      const versions = await store.query<{ version: number; n: string }>(
        "SELECT version, count(*) OVER () AS n FROM schema_migrations",
      );
      assert.deepEqual(versions.map((v) => v.version), [1, 2, 3]);
      const tables = await store.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      );
      assert.deepEqual(
        tables.map((t) => t.table_name),
        ["analysis_metrics", "analysis_state", "schema_migrations", "vllm_metrics"],
      );
    } finally {
      await store.close();
    }
  });

  test("recorded rows are written in batches and flushed on close", async () => {
    const store = await open({ batchSize: 50, flushIntervalMs: 60_000 });
    for (let i = 0; i < 120; i++) store.recordVllmMetrics(vllmRow(i, i === 8 ? { tenant: "partner" } : {}));
    store.recordAnalysisMetrics({
      restaurantId: "r-close",
      analysisType: "summary",
      status: "skipped",
      processingTimeMs: 1.5,
      tokensUsed: 0,
      promptTokens: 900,
      cachedPromptTokens: 600,
      outputTokens: 40,
      reviewsConsidered: 0,
      batchSize: 0,
      cacheHit: true,
      errorCount: 0,
      warningCount: 2,
    });
    await store.close();
    const reopened = await open();
    try {
      const [count] = await reopened.query<{ n: number }>("SELECT count(*)::int AS n FROM vllm_metrics WHERE request_id LIKE 'req-%'");
      assert.equal(count?.n, 120);
      const [row] = await reopened.query<Record<string, unknown>>("SELECT * FROM vllm_metrics WHERE request_id = 'req-7'");
      assert.equal(row?.["ttft_ms"], 107);
      assert.equal(row?.["prompt_tokens"], 1007);
      assert.equal(row?.["cached_prompt_tokens"], 512);
      assert.equal(row?.["met_slo"], false);
      assert.equal(row?.["priority"], "batch");
      assert.equal(row?.["tenant"], "default", "a row without a tenant is the default tenant's");
      const [partner] = await reopened.query<Record<string, unknown>>("SELECT tenant FROM vllm_metrics WHERE request_id = 'req-8'");
      assert.equal(partner?.["tenant"], "partner");
      const [analysis] = await reopened.query<Record<string, unknown>>("SELECT * FROM analysis_metrics WHERE restaurant_id = 'r-close'");
      assert.equal(analysis?.["status"], "skipped");
      assert.equal(analysis?.["cache_hit"], true);
      assert.equal(analysis?.["warning_count"], 2);
      assert.deepEqual([analysis?.["prompt_tokens"], analysis?.["cached_prompt_tokens"], analysis?.["output_tokens"]], [900, 600, 40]);
    } finally {
      await reopened.close();
    }
  });

  test("a row recorded twice under one request id is stored once", async () => {
    const store = await sharedStore();
    store.recordVllmMetrics(vllmRow(9000));
    store.recordVllmMetrics(vllmRow(9000, { ttftMs: 1 }));
    await store.flush();
    const rows = await store.query("SELECT * FROM vllm_metrics WHERE request_id = 'req-9000'");
    assert.equal(rows.length, 1);
  });

  test("analysis_state: fenced writes, failures keep the last success", async () => {
    const store = await sharedStore();
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    assert.equal(await store.getAnalysisState("r-fence", "sentiment"), undefined);
    const succeed = (fencing: number, s: number, reviewCount: number, result: unknown) =>
      store.writeAnalysisState({
        restaurantId: "r-fence",
        analysisType: "sentiment",
        fencing,
        attemptAt: at(s),
        success: { at: at(s + 1), reviewCount, vectorVersion: reviewCount - 9, result },
      });
    assert.equal(await succeed(5, 1, 12, { positive: 9 }), "written");
    assert.equal(await succeed(4, 3, 11, { positive: 1 }), "stale");
    let state = await store.getAnalysisState("r-fence", "sentiment");
    assert.deepEqual(state?.lastResult, { positive: 9 });
    assert.equal(state?.fencing, 5);
    assert.equal(state?.reviewCount, 12);
    assert.equal(state?.vectorVersion, 3);

    assert.equal(
      await store.writeAnalysisState({ restaurantId: "r-fence", analysisType: "sentiment", fencing: 6, attemptAt: at(10) }),
      "written",
    );
    state = await store.getAnalysisState("r-fence", "sentiment");
    assert.equal(state?.lastAttemptAt.getTime(), at(10).getTime());
    assert.equal(state?.lastSuccessAt?.getTime(), at(2).getTime(), "a failed attempt keeps the last success");
    assert.deepEqual(state?.lastResult, { positive: 9 });
    assert.equal(state?.fencing, 6);

    await store.writeAnalysisState({
      restaurantId: "r-fence",
      analysisType: "summary",
      fencing: 1,
      attemptAt: at(1),
      success: { at: at(1), reviewCount: 1, vectorVersion: 1, result: "s" },
    });
    const all = await store.listAnalysisStates();
    assert.deepEqual(all.filter((s) => s.restaurantId === "r-fence").map((s) => s.analysisType), ["sentiment", "summary"]);
    assert.deepEqual((await store.listAnalysisStates("summary")).map((s) => s.restaurantId), ["r-fence"]);
  });

  test("an aborted read rejects with the signal's reason", async () => {
    const store = await sharedStore();
    const ac = new AbortController();
    ac.abort(new Error("caller went away"));
    await assert.rejects(store.getAnalysisState("r", "sentiment", ac.signal), /caller went away/);
  });
}
