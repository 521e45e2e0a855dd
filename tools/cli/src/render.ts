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

const saving = (sent: number, all: number) => (all > 0 ? pct(1 - sent / all) : "-");

/**
 * The timing and token table: tokens sent versus what all reviews would have cost, on all prompt
 * tokens and on computed ones (those the backend's prefix cache did not serve).
 */
export function renderAccounting(rows: AnalysisRow[]): string {
  const table = new Table({
    head: ["analysis", "restaurant", "status", "reviews", "LLM calls", "prompt tok", "cached", "output tok", "all-reviews tok", "cached", "saved", "saved computed", "queue ms", "TTFT ms", "time ms"],
    style: { head: [], border: [], compact: true },
  });
  const sum = { prompt: 0, cached: 0, output: 0, all: 0, allCached: 0 };
  for (const r of rows) {
    const u = r.report?.usage;
    const t = r.report?.timings;
    const prompt = u?.promptTokens ?? 0;
    const cached = u?.cachedPromptTokens ?? 0;
    const all = u?.allReviewsPromptTokens ?? 0;
    const allCached = u?.allReviewsCachedPromptTokens ?? 0;
    sum.prompt += prompt;
    sum.cached += cached;
    sum.output += u?.outputTokens ?? 0;
    sum.all += all;
    sum.allCached += allCached;
    table.push([
      r.kind,
      r.restaurantId,
      statusName(r.report?.status),
      r.report?.reviewsConsidered ?? 0,
      r.report?.llmRequests ?? 0,
      prompt,
      cached,
      u?.outputTokens ?? 0,
      all,
      allCached,
      saving(prompt, all),
      saving(prompt - cached, all - allCached),
      Math.round(t?.queueMs ?? 0),
      Math.round(t?.ttftMs ?? 0),
      Math.round(r.report?.processingMs ?? 0),
    ]);
  }
  table.push(["total", "", "", "", "", sum.prompt, sum.cached, sum.output, sum.all, sum.allCached, saving(sum.prompt, sum.all), saving(sum.prompt - sum.cached, sum.all - sum.allCached), "", "", ""]);
  return table.toString();
}
