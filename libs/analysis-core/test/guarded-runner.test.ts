import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createAnalysisGuard, createMemoryLock, type GuardStateStore } from "@reviewlens/analysis-guard";
import { common } from "@reviewlens/contracts";
import type { AnalysisMetricsRow, AnalysisState } from "@reviewlens/metrics-store";
import { createLogger, NotFoundError } from "@reviewlens/runtime";
import { completedReport, guardAnalysisType, guardedRunner, UsageLedger, type AnalysisOutcome } from "../src/index.js";

/** The guard's state store in memory (the guard itself is real). */
function memoryStore(): GuardStateStore & { rows: AnalysisMetricsRow[] } {
  const states = new Map<string, AnalysisState>();
  const rows: AnalysisMetricsRow[] = [];
  return {
    rows,
    async getAnalysisState(restaurantId, analysisType) {
      return states.get(`${restaurantId}/${analysisType}`);
    },
    async writeAnalysisState(w) {
      const key = `${w.restaurantId}/${w.analysisType}`;
      const prev = states.get(key);
      states.set(key, {
        restaurantId: w.restaurantId,
        analysisType: w.analysisType,
        lastAttemptAt: w.attemptAt,
        lastSuccessAt: w.success?.at ?? prev?.lastSuccessAt,
        reviewCount: w.success?.reviewCount ?? prev?.reviewCount,
        vectorVersion: w.success?.vectorVersion ?? prev?.vectorVersion,
        fencing: w.fencing,
        lastResult: w.success ? JSON.parse(JSON.stringify(w.success.result)) : prev?.lastResult,
      });
      return "written";
    },
    recordAnalysisMetrics(row) {
      rows.push(row);
    },
  };
}

const stats = (reviewCount: number) => ({
  getRestaurantStats: async () => ({ restaurants: [{ restaurantId: "r1", reviewCount, vectorVersion: 4, lastReviewAt: "", drift: 0 }] }),
});

function analysis(calls: { n: number }): (signal: AbortSignal) => Promise<AnalysisOutcome<{ labels: string[] }>> {
  return async () => {
    calls.n++;
    const ledger = new UsageLedger();
    ledger.record({ usage: { promptTokens: 300, outputTokens: 40, totalTokens: 340, allReviewsPromptTokens: 0, cachedPromptTokens: 250, allReviewsCachedPromptTokens: 0 }, timings: undefined });
    ledger.noteBatchSize(7);
    return { result: { labels: ["positive"] }, report: completedReport({ ledger, reviewsConsidered: 12, processingMs: 5, warnings: ["w"] }), errorCount: 2 };
  };
}

describe("guardedRunner", () => {
  const signal = new AbortController().signal;

  it("runs, records one analysis_metrics row, then answers SKIPPED with the stored result and its age", async () => {
    const store = memoryStore();
    const runner = guardedRunner(createAnalysisGuard({ lock: createMemoryLock(), store, logger: createLogger("test", "silent") }), stats(30));
    const calls = { n: 0 };
    const key = { restaurantId: "r1", analysisType: "sentiment", force: false };
    const first = await runner.run(key, analysis(calls), signal);
    assert.equal(first.report.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
    assert.deepEqual(
      store.rows.map((r) => [r.status, r.tokensUsed, r.promptTokens, r.cachedPromptTokens, r.outputTokens, r.reviewsConsidered, r.batchSize, r.warningCount, r.errorCount]),
      [["completed", 340, 300, 250, 40, 12, 7, 1, 2]],
    );
    const second = await runner.run(key, analysis(calls), signal);
    assert.equal(calls.n, 1, "no second run");
    assert.equal(second.report.status, common.AnalysisStatus.ANALYSIS_STATUS_SKIPPED);
    assert.deepEqual(second.result, { labels: ["positive"] });
    assert.ok(second.report.resultAge!.ageSeconds >= 0);
    assert.equal(second.report.llmRequests, 0);
    assert.equal(store.rows[1]!.status, "skipped");

    await runner.run({ ...key, force: true }, analysis(calls), signal);
    await runner.run({ ...key, variant: "k=10" }, analysis(calls), signal);
    assert.equal(calls.n, 3, "force and other parameters run again");
  });

  it("runs again when the restaurant's reviews changed", async () => {
    const store = memoryStore();
    const guard = createAnalysisGuard({ lock: createMemoryLock(), store, logger: createLogger("test", "silent") });
    const calls = { n: 0 };
    const key = { restaurantId: "r1", analysisType: "summary", force: false };
    await guardedRunner(guard, stats(30)).run(key, analysis(calls), signal);
    await guardedRunner(guard, stats(31)).run(key, analysis(calls), signal);
    assert.equal(calls.n, 2);
  });

  it("rethrows what the analysis threw, after recording the failure", async () => {
    const store = memoryStore();
    const runner = guardedRunner(createAnalysisGuard({ lock: createMemoryLock(), store, logger: createLogger("test", "silent") }), stats(3));
    await assert.rejects(
      runner.run({ restaurantId: "r1", analysisType: "summary", force: false }, async () => {
        throw new NotFoundError("no reviews");
      }, signal),
      /no reviews/,
    );
    assert.equal(store.rows[0]!.status, "failed");
  });

  it("refuses a restaurant without reviews with NOT_FOUND naming restaurant_id, before the lock, the SKIP state or any record", async () => {
    const store = memoryStore();
    const calls = { n: 0 };
    const runner = guardedRunner(createAnalysisGuard({ lock: createMemoryLock(), store, logger: createLogger("test", "silent") }), stats(0));
    await assert.rejects(runner.run({ restaurantId: "r1", analysisType: "summary", force: true }, analysis(calls), signal), (e: unknown) => {
      assert.ok(e instanceof NotFoundError);
      assert.match(e.message, /^restaurant_id: no reviews are stored for restaurant "r1"$/);
      return true;
    });
    assert.equal(calls.n, 0);
    assert.deepEqual(store.rows, []);
    assert.equal(await store.getAnalysisState("r1", "summary"), undefined);
  });

  it("names variants in the guard's analysis type", () => {
    assert.equal(guardAnalysisType({ restaurantId: "r", analysisType: "summary", force: false }), "summary");
    assert.equal(guardAnalysisType({ restaurantId: "r", analysisType: "summary", force: false, variant: "k=5" }), "summary:k=5");
  });
});
