// One restaurant's aspect-based summary (RAG): TOP-K context in one prompt within the budget ->
// an answer per key (overall, each aspect) over that prompt, all at once -> citations checked
// against the prompt's reviews.
import {
  answerGroups,
  completeStructured,
  completedReport,
  loadReviewContext,
  planBatches,
  plannedPromptTokens,
  UsageLedger,
  type AnalysisOutcome,
  type LlmGateway,
  type PromptTokenizer,
  type RepresentativeReviewSource,
  type ResolvedOptions,
} from "@reviewlens/analysis-core";
import { UnusableResultError } from "@reviewlens/runtime";
import type { summarization } from "@reviewlens/contracts";
import { OVERALL } from "../aspects.js";
import { checkCitations } from "../citation-check.js";
import { renderSummaryPrompt, summaryMaxTokens, summarySchema, type SummaryAnswer } from "./summary-prompt.js";

export interface SummaryDeps {
  reviews: RepresentativeReviewSource;
  gateway: LlmGateway;
  tokenizer: PromptTokenizer;
  maxPromptTokens: number;
  /** Keys (overall and aspects) one answer covers; default 1. */
  keysPerAnswer?: number;
}

export const SUMMARY_ANALYSIS_TYPE = "summary";

export async function summarizeRestaurant(
  deps: SummaryDeps,
  restaurantId: string,
  aspects: string[],
  options: ResolvedOptions,
  signal?: AbortSignal,
): Promise<AnalysisOutcome<summarization.SummaryResult>> {
  const started = performance.now();
  const context = await loadReviewContext(deps.reviews, { restaurantId, topK: options.topK }, signal);
  const ledger = new UsageLedger();
  const keys = [OVERALL, ...aspects];
  const groups = answerGroups(keys.length, deps.keysPerAnswer ?? 1).map((g) => g.map((i) => keys[i]!));
  const batching = { tokenizer: deps.tokenizer, maxPromptTokens: deps.maxPromptTokens, render: renderSummaryPrompt(deps.tokenizer), copies: () => groups.length };
  const plan = planBatches(context.reviews, batching);
  ledger.addAllReviewsPromptTokens(plannedPromptTokens(context.allReviewTexts, batching));
  const warnings = plan.truncated.map((id) => `review ${id} was cut to fit the prompt budget of ${deps.maxPromptTokens} tokens`);
  // A summary is one prompt: the most representative reviews that fit; the rest are named, not hidden.
  const batch = plan.batches[0]!;
  const left = plan.batches.slice(1).reduce((n, b) => n + b.reviews.length, 0);
  if (left > 0) warnings.push(`${left} of ${context.reviews.length} reviews did not fit the summary prompt budget of ${deps.maxPromptTokens} tokens and were left out`);
  ledger.noteBatchSize(batch.reviews.length);

  const outcomes = await Promise.all(
    groups.map((group) =>
      completeStructured<SummaryAnswer>(
        deps.gateway,
        {
          name: "review_summary",
          messages: batch.messages,
          schema: summarySchema(group, batch.refs),
          validationSchema: summarySchema(group),
          maxTokens: summaryMaxTokens(group),
          priority: options.priority,
          restaurantId,
          analysisType: SUMMARY_ANALYSIS_TYPE,
        },
        ledger,
        signal,
      ),
    ),
  );
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw new UnusableResultError(`summary of ${restaurantId}: ${failed.error}`);
  const answer = Object.assign({}, ...outcomes.map((o) => (o.ok ? o.value : {}))) as SummaryAnswer;

  const refToId = new Map(batch.refs.map((ref, i) => [ref, batch.reviews[i]!.reviewId]));
  const cite = (where: string, refs: string[]) => {
    const checked = checkCitations(refs, refToId);
    if (checked.unknown.length > 0) warnings.push(`${where}: removed citations of reviews not in the context: ${checked.unknown.join(", ")}`);
    return checked.reviewIds;
  };
  const overall = answer[OVERALL]!;
  const result: summarization.SummaryResult = {
    restaurantId,
    overallSummary: overall.summary.trim(),
    overallEvidenceReviewIds: cite(OVERALL, overall.cite),
    aspects: aspects.map((aspect) => {
      const a = answer[aspect]!;
      return { aspect, summary: a.summary.trim(), evidenceReviewIds: cite(aspect, a.cite), sentimentScore: (a.score ?? 0) / 100 };
    }),
  };
  return { result, report: completedReport({ ledger, reviewsConsidered: batch.reviews.length, processingMs: performance.now() - started, warnings }) };
}
