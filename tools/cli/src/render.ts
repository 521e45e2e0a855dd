// Tables for people: analysis results and the token/timing accounting behind them.
import { common, sentiment, summarization } from "@reviewlens/contracts";
import Table from "cli-table3";

export type AnalysisKind = "sentiment" | "summary" | "strengths";

/** One analysed restaurant, whatever the analysis. */
export interface AnalysisRow {
  kind: AnalysisKind;
  restaurantId: string;
  report: common.AnalysisReport | undefined;
  sentiment?: sentiment.SentimentResult | undefined;
  summary?: summarization.SummaryResult | undefined;
  strengths?: summarization.StrengthsResult | undefined;
}

const statusName = (s: common.AnalysisStatus | undefined) =>
  s === undefined ? "?" : common.analysisStatusToJSON(s).replace("ANALYSIS_STATUS_", "").toLowerCase();

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

export function renderResult(row: AnalysisRow): string {
  const head = `${row.kind} of ${row.restaurantId}: ${statusName(row.report?.status)}${
    row.report?.resultAge ? ` (stored result, ${Math.round(row.report.resultAge.ageSeconds)} s old)` : ""
  }${row.report?.error ? ` - ${row.report.error}` : ""}`;
  const lines = [head];
  if (row.sentiment) {
    const s = row.sentiment;
    lines.push(`  positive ${s.positiveCount}, negative ${s.negativeCount}, neutral ${s.neutralCount}; positive ratio ${pct(s.positiveRatio)}`);
    if (s.failedReviews.length > 0) lines.push(`  ${s.failedReviews.length} reviews could not be labelled: ${s.failedReviews.map((f) => f.reviewId).join(", ")}`);
  }
  if (row.summary) {
    lines.push(`  ${row.summary.overallSummary}`);
    for (const a of row.summary.aspects) lines.push(`  - ${a.aspect}: ${a.summary} [${a.evidenceReviewIds.join(", ")}]`);
  }
  if (row.strengths) {
    if (row.strengths.strengths.length === 0) lines.push("  no distinctive strength passed the thresholds");
    for (const s of row.strengths.strengths) {
      lines.push(`  - ${s.statement} (${s.aspect}; support ${s.support}, lift ${s.distinctiveness.toFixed(2)}) [${s.evidenceReviewIds.join(", ")}]`);
    }
  }
  for (const w of row.report?.warnings ?? []) lines.push(`  warning: ${w}`);
  return lines.join("\n");
}

/** The timing and token table: tokens sent versus what all reviews would have cost. */
export function renderAccounting(rows: AnalysisRow[]): string {
  const table = new Table({
    head: ["analysis", "restaurant", "status", "reviews", "LLM calls", "prompt tok", "output tok", "all-reviews tok", "saved", "queue ms", "TTFT ms", "time ms"],
    style: { head: [], border: [], compact: true },
  });
  let prompt = 0;
  let all = 0;
  for (const r of rows) {
    const u = r.report?.usage;
    const t = r.report?.timings;
    const saved = u && u.allReviewsPromptTokens > 0 ? 1 - u.promptTokens / u.allReviewsPromptTokens : undefined;
    prompt += u?.promptTokens ?? 0;
    all += u?.allReviewsPromptTokens ?? 0;
    table.push([
      r.kind,
      r.restaurantId,
      statusName(r.report?.status),
      r.report?.reviewsConsidered ?? 0,
      r.report?.llmRequests ?? 0,
      u?.promptTokens ?? 0,
      u?.outputTokens ?? 0,
      u?.allReviewsPromptTokens ?? 0,
      saved === undefined ? "-" : pct(saved),
      Math.round(t?.queueMs ?? 0),
      Math.round(t?.ttftMs ?? 0),
      Math.round(r.report?.processingMs ?? 0),
    ]);
  }
  table.push(["total", "", "", "", "", prompt, "", all, all > 0 ? pct(1 - prompt / all) : "-", "", "", ""]);
  return table.toString();
}
