// The AnalysisRunner of the services: every analysis goes through the analysis guard
// (lock -> SKIP -> run -> record analysis_metrics and state -> release).
import type { AnalysisGuard, AnalysisVersion } from "@reviewlens/analysis-guard";
import { common, type vectorsearch } from "@reviewlens/contracts";
import { NotFoundError, quoted } from "@reviewlens/runtime";
import type { AnalysisKey, AnalysisOutcome, AnalysisRunner, ResultCodec } from "./analysis-runner.js";
import { asDependencyError } from "./dependency-errors.js";

export interface RestaurantStatsSource {
  getRestaurantStats(request: vectorsearch.GetRestaurantStatsRequest, options?: { signal?: AbortSignal }): Promise<vectorsearch.GetRestaurantStatsResponse>;
}

/** The guard's analysis type: parameters other than the defaults make a different analysis (own lock, own SKIP state). */
export const guardAnalysisType = (key: AnalysisKey): string => (key.variant ? `${key.analysisType}:${key.variant}` : key.analysisType);

async function versionOf(stats: RestaurantStatsSource, restaurantId: string, signal: AbortSignal): Promise<AnalysisVersion> {
  const response = await stats.getRestaurantStats({ restaurantIds: [restaurantId] }, { signal }).catch((error: unknown) => {
    throw asDependencyError(error, "vector-search");
  });
  const s = response.restaurants.find((r) => r.restaurantId === restaurantId);
  return { reviewCount: s?.reviewCount ?? 0, vectorVersion: Number(s?.vectorVersion ?? 0) };
}

function skippedReport(analyzedAt: Date, ageSeconds: number, processingMs: number): common.AnalysisReport {
  return {
    status: common.AnalysisStatus.ANALYSIS_STATUS_SKIPPED,
    resultAge: { analyzedAt: analyzedAt.toISOString(), ageSeconds },
    usage: { promptTokens: 0, outputTokens: 0, totalTokens: 0, allReviewsPromptTokens: 0, cachedPromptTokens: 0, allReviewsCachedPromptTokens: 0 },
    timings: undefined,
    reviewsConsidered: 0,
    llmRequests: 0,
    processingMs,
    warnings: [],
    error: "",
    steps: [],
    batchSize: 0,
  };
}

export function guardedRunner(guard: Pick<AnalysisGuard, "run">, stats: RestaurantStatsSource): AnalysisRunner {
  return {
    async run<T>(key: AnalysisKey, execute: (signal: AbortSignal) => Promise<AnalysisOutcome<T>>, signal: AbortSignal, codec?: ResultCodec<T>) {
      const version = await versionOf(stats, key.restaurantId, signal);
      // Nothing to analyse: refused before the lock, the SKIP state or any record, so a client
      // cannot fill analysis_state and analysis_metrics with rows for restaurants that do not exist.
      if (version.reviewCount === 0) throw new NotFoundError(`restaurant_id: no reviews are stored for restaurant ${quoted(key.restaurantId)}`);
      let report: common.AnalysisReport | undefined;
      const outcome = await guard.run<T>(
        { restaurantId: key.restaurantId, analysisType: guardAnalysisType(key), force: key.force, version, signal },
        async (ctx) => {
          const done = await execute(ctx.signal);
          report = done.report;
          return {
            result: done.result,
            tokensUsed: done.report.usage?.totalTokens ?? 0,
            promptTokens: done.report.usage?.promptTokens ?? 0,
            cachedPromptTokens: done.report.usage?.cachedPromptTokens ?? 0,
            outputTokens: done.report.usage?.outputTokens ?? 0,
            reviewsConsidered: done.report.reviewsConsidered,
            batchSize: done.report.batchSize,
            warningCount: done.report.warnings.length,
            errorCount: done.errorCount ?? 0,
          };
        },
        codec,
      );
      if (outcome.status === "FAILED") throw outcome.error;
      if (outcome.status === "SKIPPED") return { result: outcome.result, report: skippedReport(outcome.analyzedAt, outcome.ageSeconds, outcome.processingMs) };
      return { result: outcome.result, report: { ...report!, processingMs: outcome.processingMs } };
    },
  };
}
