// One restaurant's aspect-based summary (RAG): TOP-K context in one prompt within the budget ->
// two answers per key (overall, each aspect) over that prompt, all at once: the text (summary) and the
// evidence (citations, an aspect's score) -> merged per key, citations checked against the prompt's
// reviews. Split so the longest answer, which sets the analysis's time, is shorter than a key's whole answer.
import {
  afterDispatch,
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
import { answerKeys, OVERALL } from "../aspects.js";
import { checkCitations } from "../citation-check.js";
import { renderSummaryPrompt, SUMMARY_ANSWER_KINDS, summaryMaxTokens, summarySchema, type KeySummary, type SummaryAnswerPart } from "./summary-prompt.js";

export interface SummaryDeps {
  reviews: RepresentativeReviewSource;
  gateway: LlmGateway;
  tokenizer: PromptTokenizer;
  maxPromptTokens: number;
  /** Keys (overall and aspects) one text answer and one evidence answer cover; default 1. */
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
  // Answers name their keys; an aspect whose name takes two tokens is named by a one-token word.
  const named = answerKeys(keys);
  const groups = answerGroups(keys.length, deps.keysPerAnswer ?? 1).map((g) => g.map((i) => named.toAnswer(keys[i]!)));
  const answers = groups.flatMap((group) => SUMMARY_ANSWER_KINDS.map((kind) => ({ group, kind })));
  const batching = { tokenizer: deps.tokenizer, maxPromptTokens: deps.maxPromptTokens, render: renderSummaryPrompt(deps.tokenizer), copies: () => answers.length };
  const plan = planBatches(context.reviews, batching);
  const warnings = plan.truncated.map((id) => `review ${id} was cut to fit the prompt budget of ${deps.maxPromptTokens} tokens`);
  // A summary is one prompt: the most representative reviews that fit; the rest are named, not hidden.
  const batch = plan.batches[0]!;
  const left = plan.batches.slice(1).reduce((n, b) => n + b.reviews.length, 0);
  if (left > 0) warnings.push(`${left} of ${context.reviews.length} reviews did not fit the summary prompt budget of ${deps.maxPromptTokens} tokens and were left out`);
  ledger.noteBatchSize(batch.reviews.length);

  // One name for both kinds: they are one stage, sent together over the same messages.
  const asked = Promise.all(
    answers.map(({ group, kind }) =>
      completeStructured<SummaryAnswerPart>(
        deps.gateway,
        {
          name: "review_summary",
          messages: batch.messages,
          schema: summarySchema(group, kind, batch.refs),
          validationSchema: summarySchema(group, kind),
          maxTokens: summaryMaxTokens(group, kind),
          priority: options.priority,
          restaurantId,
          analysisType: SUMMARY_ANALYSIS_TYPE,
        },
        ledger,
        signal,
      ),
    ),
  );
  const outcomes = await afterDispatch(asked, () => ledger.addAllReviewsPromptTokens(plannedPromptTokens(context.allReviewTexts, batching)));
  const failed = outcomes.find((o) => !o.ok);
  if (failed && !failed.ok) throw new UnusableResultError(`summary of ${restaurantId}: ${failed.error}`);
  // Every key's text and evidence answers validated, so each merged key has its summary and citations.
  const answer: Record<string, Partial<KeySummary>> = {};
  for (const [answerKey, part] of outcomes.flatMap((o) => (o.ok ? Object.entries(o.value) : []))) {
    const key = named.fromAnswer(answerKey);
    answer[key] = { ...answer[key], ...(typeof part === "string" ? { summary: part } : part) };
  }

  const refToId = new Map(batch.refs.map((ref, i) => [ref, batch.reviews[i]!.reviewId]));
  const cite = (where: string, refs: string[]) => {
    const checked = checkCitations(refs, refToId);
    if (checked.unknown.length > 0) warnings.push(`${where}: removed citations of reviews not in the context: ${checked.unknown.join(", ")}`);
    return checked.reviewIds;
  };
  const overall = answer[OVERALL] as KeySummary;
  const result: summarization.SummaryResult = {
    restaurantId,
    overallSummary: overall.summary.trim(),
    overallEvidenceReviewIds: cite(OVERALL, overall.cite),
    aspects: aspects.map((aspect) => {
      const a = answer[aspect] as KeySummary;
      return { aspect, summary: a.summary.trim(), evidenceReviewIds: cite(aspect, a.cite), sentimentScore: (a.score ?? 0) / 100 };
    }),
  };
  return { result, report: completedReport({ ledger, reviewsConsidered: batch.reviews.length, processingMs: performance.now() - started, warnings }) };
}
