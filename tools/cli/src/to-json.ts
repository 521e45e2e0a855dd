// JSON for --json output through ts-proto's toJSON (enum names, proto JSON field names).
import { common, sentiment, summarization } from "@reviewlens/contracts";
import type { AnalysisRow } from "./render.js";

export function analysisRowJson(row: AnalysisRow): unknown {
  return {
    analysis: row.kind,
    restaurantId: row.restaurantId,
    report: row.report ? common.AnalysisReport.toJSON(row.report) : null,
    result: row.sentiment
      ? sentiment.SentimentResult.toJSON(row.sentiment)
      : row.summary
        ? summarization.SummaryResult.toJSON(row.summary)
        : row.strengths
          ? summarization.StrengthsResult.toJSON(row.strengths)
          : null,
  };
}
