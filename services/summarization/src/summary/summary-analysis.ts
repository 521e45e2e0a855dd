// One restaurant's aspect-based summary (RAG): TOP-K context in one prompt within the budget ->
// structured summary -> citations checked against the prompt's reviews.
import { completeStructured, completedReport, loadReviewContext, planBatches, plannedPromptTokens, UsageLedger, type AnalysisOutcome, type LlmGateway, type PromptTokenizer, type RepresentativeReviewSource, type ResolvedOptions } from "@reviewlens/analysis-core";
import { UnusableResultError } from "@reviewlens/runtime";
import type { summarization } from "@reviewlens/contracts";
import { checkCitations } from "../citation-check.js";
import { renderSummaryPrompt, summaryMaxTokens, summarySchema, type SummaryAnswer } from "./summary-prompt.js";

export interface SummaryDeps {
  reviews: RepresentativeReviewSource;
  gateway: LlmGateway;
  tokenizer: PromptTokenizer;
  maxPromptTokens: number;
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
  const batching = { tokenizer: deps.tokenizer, maxPromptTokens: deps.maxPromptTokens, render: renderSummaryPrompt(aspects) };
  const plan = planBatches(context.reviews, batching);
  ledger.addAllReviewsPromptTokens(plannedPromptTokens(context.allReviewTexts, batching));
  const warnings = plan.truncated.map((id) => `review ${id} was cut to fit the prompt budget of ${deps.maxPromptTokens} tokens`);
  // A summary is one prompt: the most representative reviews that fit; the rest are named, not hidden.
  const batch = plan.batches[0]!;
  const left = plan.batches.slice(1).reduce((n, b) => n + b.reviews.length, 0);
  if (left > 0) warnings.push(`${left} of ${context.reviews.length} reviews did not fit the summary prompt budget of ${deps.maxPromptTokens} tokens and were left out`);
  ledger.noteBatchSize(batch.reviews.length);

  const outcome = await completeStructured<SummaryAnswer>(
    deps.gateway,
    {
      name: "review_summary",
      messages: batch.messages,
      schema: summarySchema(aspects, batch.refs),
      validationSchema: summarySchema(aspects),
      maxTokens: summaryMaxTokens(aspects),
      priority: options.priority,
      restaurantId,
      analysisType: SUMMARY_ANALYSIS_TYPE,
    },
    ledger,
    signal,
  );
  if (!outcome.ok) throw new UnusableResultError(`summary of ${restaurantId}: ${outcome.error}`);

  const refToId = new Map(batch.refs.map((ref, i) => [ref, batch.reviews[i]!.reviewId]));
  const cite = (where: string, evidence: string[]) => {
    const checked = checkCitations(evidence, refToId);
    if (checked.unknown.length > 0) warnings.push(`${where}: removed citations of reviews not in the context: ${checked.unknown.join(", ")}`);
    return checked.reviewIds;
  };
  const answer = outcome.value;
  const result: summarization.SummaryResult = {
    restaurantId,
    overallSummary: answer.overall.summary.trim(),
    overallEvidenceReviewIds: cite("overall", answer.overall.evidence),
    aspects: aspects.map((aspect) => {
      const a = answer.aspects[aspect]!;
      return { aspect, summary: a.summary.trim(), evidenceReviewIds: cite(aspect, a.evidence), sentimentScore: a.sentiment };
    }),
  };
  return { result, report: completedReport({ ledger, reviewsConsidered: batch.reviews.length, processingMs: performance.now() - started, warnings }) };
}
