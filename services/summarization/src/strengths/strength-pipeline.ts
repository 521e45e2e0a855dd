// The strength pipeline A-H, each step in its own span with its own timing in the report. Two steps
// ask the LLM, each with all its answers at once: B the claims of every evidence review, G the
// statement of every cluster F kept (one answer each over the same prompt). C's embeddings start as
// B's answers arrive, so C does not wait for the whole round.
import { completedReport, timedStep, UsageLedger, type AnalysisOutcome, type LlmGateway, type PromptTokenizer, type RepresentativeReviewSource, type ResolvedOptions } from "@reviewlens/analysis-core";
import type { common, summarization } from "@reviewlens/contracts";
import { selectPositiveEvidence } from "./step-a-select-evidence.js";
import { extractClaims } from "./step-b-extract-claims.js";
import { PrefetchingEmbedder } from "./prefetching-embedder.js";
import { clusterClaims, embeddingTextOf, type TextEmbedder } from "./step-c-cluster-claims.js";
import { countSupport } from "./step-d-count-support.js";
import { compareWithBaseline, type BaselineSource } from "./step-e-compare-baseline.js";
import { filterClusters, type StrengthThresholds } from "./step-f-filter.js";
import { writeStatements } from "./step-g-write-statements.js";
import { validateAndRank } from "./step-h-validate-rank.js";

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
  const extracted = await timedStep(steps, "B extract claims", evidence.reviews.length, async () => {
    const x = await extractClaims(evidence.reviews, evidence.allReviewTexts, env, (claims) => embedder.prefetch(claims.map(embeddingTextOf), signal));
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
  const candidates = supported.filter((c) => c.supportShare >= request.thresholds.minSupportShare && c.support >= request.thresholds.minSupportReviews);
  const distinct = await timedStep(steps, "E compare with baseline", candidates.length, async () => {
    const d = await compareWithBaseline(candidates, deps.baseline, restaurantId, signal);
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
    const g = await writeStatements(kept, env);
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
}
