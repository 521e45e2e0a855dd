// The batch RPCs of the analysis services: sentiment's AnalyzeRestaurants and summarization's
// SummarizeBatch, in the gateway's batch priority class, never forced (SKIP still applies).
import type { Client } from "nice-grpc";
import { common, type sentiment, type summarization } from "@reviewlens/contracts";
import type { BatchAnalyser, BatchResult, BatchStatus } from "../ports.js";

export const SCHEDULABLE_ANALYSES = ["sentiment", "summary"] as const;

const options: common.AnalysisOptions = { topK: 0, force: false, priority: common.Priority.PRIORITY_BATCH };

function toResult(restaurantId: string, report: common.AnalysisReport | undefined): BatchResult {
  const status: BatchStatus =
    report?.status === common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED
      ? "completed"
      : report?.status === common.AnalysisStatus.ANALYSIS_STATUS_SKIPPED
        ? "skipped"
        : "failed";
  return { restaurantId, status, llmRequests: report?.llmRequests ?? 0, ...(status === "failed" ? { error: report?.error || "no report" } : {}) };
}

export function analysisBatches(clients: {
  sentiment: Client<typeof sentiment.SentimentServiceDefinition>;
  summarization: Client<typeof summarization.SummarizationServiceDefinition>;
}): BatchAnalyser {
  return {
    async *run(analysisType, restaurantIds, signal) {
      const ids = [...restaurantIds];
      const stream =
        analysisType === "sentiment"
          ? clients.sentiment.analyzeRestaurants({ restaurantIds: ids, options }, { signal })
          : analysisType === "summary"
            ? clients.summarization.summarizeBatch({ restaurantIds: ids, options, aspects: [] }, { signal })
            : undefined;
      if (!stream) throw new Error(`analysis ${analysisType} has no batch RPC; schedulable: ${SCHEDULABLE_ANALYSES.join(", ")}`);
      for await (const item of stream) yield toResult(item.restaurantId, item.report);
    },
  };
}
