// One restaurant's sentiment: TOP-K context -> token-budget batches, all sent at once -> labels -> aggregate.
import { completedReport, loadReviewContext, runPerReviewTask, UsageLedger, type LlmGateway, type PromptTokenizer, type RepresentativeReviewSource, type ResolvedOptions } from "@reviewlens/analysis-core";
import { common, type sentiment } from "@reviewlens/contracts";
import { aggregateSentiment } from "./sentiment-aggregation.js";
import { fromAnswerJson, sentimentTask, type LabelAnswer, type LabelAnswerJson } from "./sentiment-task.js";

export interface SentimentDeps {
  reviews: RepresentativeReviewSource;
  gateway: LlmGateway;
  tokenizer: PromptTokenizer;
  maxPromptTokens: number;
  outputTokensPerReview?: number;
  /** Reviews per answer (default the task's: one). */
  reviewsPerAnswer?: number;
  /**
   * Reviews per answer at batch priority (default reviewsPerAnswer): a batch fills the engine's
   * batch with many restaurants, so fewer, longer answers cost it little time and each request less.
   */
  batchReviewsPerAnswer?: number;
}

export interface SentimentOutcome {
  result: sentiment.SentimentResult;
  report: common.AnalysisReport;
  errorCount: number;
}

export async function analyzeSentiment(deps: SentimentDeps, restaurantId: string, options: ResolvedOptions, signal?: AbortSignal): Promise<SentimentOutcome> {
  const started = performance.now();
  const context = await loadReviewContext(deps.reviews, { restaurantId, topK: options.topK }, signal);
  const ledger = new UsageLedger();
  const outcome = await runPerReviewTask<(typeof context.reviews)[number], LabelAnswerJson>(context.reviews, context.allReviewTexts, sentimentTask, {
    gateway: deps.gateway,
    tokenizer: deps.tokenizer,
    maxPromptTokens: deps.maxPromptTokens,
    outputTokensPerReview: deps.outputTokensPerReview,
    reviewsPerAnswer: options.priority === common.Priority.PRIORITY_BATCH ? (deps.batchReviewsPerAnswer ?? deps.reviewsPerAnswer) : deps.reviewsPerAnswer,
    ledger,
    priority: options.priority,
    restaurantId,
    signal,
  });
  const result = aggregateSentiment(
    restaurantId,
    context.reviews.map((r) => r.reviewId),
    new Map<string, LabelAnswer>([...outcome.answers].map(([id, answer]) => [id, fromAnswerJson(answer)])),
    outcome.failed,
  );
  const warnings = outcome.failed.length > 0 ? [...outcome.warnings, `${outcome.failed.length} of ${context.reviews.length} reviews not labelled (see failed_reviews)`] : outcome.warnings;
  return {
    result,
    report: completedReport({ ledger, reviewsConsidered: context.reviews.length, processingMs: performance.now() - started, warnings }),
    errorCount: outcome.failed.length,
  };
}
