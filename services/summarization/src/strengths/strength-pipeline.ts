// The strength pipeline A-H, each step in its own span with its own timing in the report. Two steps
// ask the LLM, each with all its answers at once: B the claims of every evidence review, G the
// statement of every cluster F kept (one prompt each). C's embeddings start as B's answers arrive,
// and once enough of them are in (DEFAULT_LOOK_AHEAD), the look-ahead starts E's queries and G's
// statements for the clusters passing so far, so E and G mostly find their work done when B ends.
import { completedReport, timedStep, UsageLedger, type AnalysisOutcome, type LlmGateway, type PromptTokenizer, type RepresentativeReviewSource, type ResolvedOptions } from "@reviewlens/analysis-core";
import type { common, summarization } from "@reviewlens/contracts";
import { selectPositiveEvidence } from "./step-a-select-evidence.js";
import { claimTaskWith, extractClaims } from "./step-b-extract-claims.js";
import { PrefetchingBaseline } from "./prefetching-baseline.js";
import { PrefetchingEmbedder } from "./prefetching-embedder.js";
import { clusterClaims, embeddingTextOf, type TextEmbedder } from "./step-c-cluster-claims.js";
import { countSupport } from "./step-d-count-support.js";
import { compareWithBaseline, type BaselineSource } from "./step-e-compare-baseline.js";
import { filterClusters, hasSupport, type StrengthThresholds } from "./step-f-filter.js";
import { StatementWriter } from "./step-g-write-statements.js";
import { validateAndRank } from "./step-h-validate-rank.js";
import { StrengthLookAhead } from "./strength-look-ahead.js";

/** Shares of step B's answers in from which the look-ahead starts E's queries and G's statements (StrengthLookAhead). */
export interface LookAheadPoints {
  baselineAfter: number;
  statementsAfter: number;
}
export const DEFAULT_LOOK_AHEAD: LookAheadPoints = { baselineAfter: 0.5, statementsAfter: 0.8 };
/** No look-ahead: E and G start after B. */
export const NO_LOOK_AHEAD: LookAheadPoints = { baselineAfter: 1, statementsAfter: 1 };

export interface StrengthDeps {
  reviews: RepresentativeReviewSource;
  gateway: LlmGateway;
  tokenizer: PromptTokenizer;
  embedder: TextEmbedder;
  baseline: BaselineSource;
  maxPromptTokens: number;
  /** Cosine similarity for two claims to share a cluster. */
  clusterSimilarity: number;
  /** Reviews per claims answer in step B (default the task's: one). */
  claimReviewsPerAnswer?: number;
  /** Aspects per claims answer in step B (default all: one answer per review; claimTaskWith). */
  claimAspectsPerAnswer?: number;
  /** When the look-ahead starts (default DEFAULT_LOOK_AHEAD). */
  lookAhead?: LookAheadPoints;
}

export interface StrengthRequest {
  restaurantId: string;
  options: ResolvedOptions;
  maxStrengths: number;
  thresholds: StrengthThresholds;
}

export async function extractStrengths(deps: StrengthDeps, request: StrengthRequest, signal?: AbortSignal): Promise<AnalysisOutcome<summarization.StrengthsResult>> {
  const started = performance.now();
  const { restaurantId, options } = request;
  const steps: common.StepTiming[] = [];
  const warnings: string[] = [];
  const ledger = new UsageLedger();
  const env = { gateway: deps.gateway, tokenizer: deps.tokenizer, maxPromptTokens: deps.maxPromptTokens, ledger, priority: options.priority, restaurantId, signal, reviewsPerAnswer: deps.claimReviewsPerAnswer };

  const evidence = await timedStep(steps, "A select positive evidence", options.topK, async () => {
    const e = await selectPositiveEvidence(deps.reviews, restaurantId, options.topK, signal);
    return { value: e, itemsOut: e.reviews.length };
  });
  // Step C's embeddings start as each review's claims arrive, while step B's longest answer decodes.
  const embedder = new PrefetchingEmbedder(deps.embedder);
  const baseline = new PrefetchingBaseline(deps.baseline);
  const statements = new StatementWriter(env);
  const lookAhead = new StrengthLookAhead(
    {
      reviews: evidence.reviews,
      embedder,
      baseline,
      statements,
      clusterSimilarity: deps.clusterSimilarity,
      thresholds: request.thresholds,
      restaurantId,
      ...(deps.lookAhead ?? DEFAULT_LOOK_AHEAD),
    },
    signal,
  );
  try {
    const extracted = await timedStep(steps, "B extract claims", evidence.reviews.length, async () => {
      const x = await extractClaims(evidence.reviews, evidence.allReviewTexts, env, (reviewId, claims) => {
        embedder.prefetch(claims.map(embeddingTextOf), signal);
        lookAhead.onClaims(reviewId, claims);
      }, claimTaskWith(deps.claimAspectsPerAnswer ?? Infinity));
      return { value: x, itemsOut: x.claims.length };
    });
    warnings.push(...extracted.warnings);
    if (extracted.failed.length > 0) warnings.push(`${extracted.failed.length} of ${evidence.reviews.length} reviews gave no claims: ${extracted.failed[0]!.reason}`);
    const clusters = await timedStep(steps, "C cluster claims", extracted.claims.length, async () => {
      const c = await clusterClaims(extracted.claims, embedder, deps.clusterSimilarity, signal);
      return { value: c, itemsOut: c.length };
    });
    const supported = await timedStep(steps, "D count support", clusters.length, () => {
      const s = countSupport(clusters, evidence.reviews.length);
      return { value: s, itemsOut: s.length };
    });
    // Only clusters that could pass the support threshold are worth a baseline query.
    const candidates = supported.filter((c) => hasSupport(c, request.thresholds));
    const distinct = await timedStep(steps, "E compare with baseline", candidates.length, async () => {
      const d = await compareWithBaseline(candidates, baseline, restaurantId, signal);
      warnings.push(...d.warnings);
      return { value: d.clusters, itemsOut: d.clusters.length };
    });
    const kept = await timedStep(steps, "F filter", distinct.length, () => {
      const k = filterClusters(distinct, request.thresholds);
      return { value: k, itemsOut: k.length };
    });
    // Not beside E: writing for every cluster E compares measured no faster (more answers, so a longer
    // longest one, and a round for clusters F then drops).
    const drafts = await timedStep(steps, "G write statements", kept.length, async () => {
      const g = await statements.write(kept);
      warnings.push(...g.warnings);
      return { value: g.drafts, itemsOut: g.drafts.length };
    });
    const ranked = await timedStep(steps, "H validate and rank", drafts.length, () => {
      const h = validateAndRank(drafts, new Set(evidence.reviews.map((r) => r.reviewId)), request.maxStrengths);
      warnings.push(...h.warnings);
      return { value: h.strengths, itemsOut: h.strengths.length };
    });
    return {
      result: { restaurantId, strengths: ranked },
      report: completedReport({ ledger, reviewsConsidered: evidence.reviews.length, processingMs: performance.now() - started, warnings, steps }),
    };
  } finally {
    lookAhead.stop();
  }
}
