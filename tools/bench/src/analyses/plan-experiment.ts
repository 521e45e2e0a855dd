// The analyses' prompt plans measured against the simulator and predicted by the latency model. Each
// analysis runs in this process (the services' own code) over the real gateway and simulator at time
// scale 1 (grounded answers) and an in-process vector-search; a recording gateway client reads each
// run's plan back (every request's prompt, cached and output tokens, by stage). Every run starts
// with an empty prefix cache (the variants share prompts). The model predicts the engine's time of
// that plan from the profile; the time outside the engine is a constant per analysis plus one per
// request, fitted to all runs (least squares). Variants differ in how many reviews (keys) one
// answer covers: from one long answer to one answer each.
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { PromptTokenizer, ResolvedOptions } from "@reviewlens/analysis-core";
import { common, inference } from "@reviewlens/contracts";
import { generateDataset } from "@reviewlens/demo-data";
import { createGatewayEmbedder } from "@reviewlens/embedder";
import { createServiceClient, readConfig } from "@reviewlens/runtime";
import { analyzeSentiment, sentimentSchema } from "@reviewlens/sentiment";
import {
  createVectorSearchBaseline,
  DEFAULT_ASPECTS,
  DEFAULT_MAX_STRENGTHS,
  DEFAULT_THRESHOLDS,
  extractStrengths,
  summarizationSchema,
  summarizeRestaurant,
} from "@reviewlens/summarization";
import { uploadReviewRecords } from "@reviewlens/testkit";
import { getTokenizer } from "@reviewlens/tokenizer";
import { profiles } from "@reviewlens/vllm-sim";
import { startSimStack } from "../experiments/sim-stack.js";
import { serveVectorSearch } from "../experiments/topk-experiment.js";
import { predictPlan, type Overheads, type PromptPlan } from "./latency-model.js";
import { planOfRequests, RecordingGateway } from "./recording-gateway.js";

export const PLAN_ANALYSES = ["sentiment", "summary", "strengths"] as const;
export type PlanAnalysis = (typeof PLAN_ANALYSES)[number];

export interface PlanVariant {
  analysis: PlanAnalysis;
  /** Reviews (sentiment, strengths' claims) or keys (summary: overall and aspects) per answer. */
  perAnswer: number;
  /** Restaurants analysed at once (10 at batch priority: the 10 x 50 throughput job), default 1. */
  restaurants?: number;
  /** Strengths: aspects per claims answer (a review's claims asked in parts), default all in one. */
  aspectsPerAnswer?: number;
}

const TOP_K = 20;
/** The batch job: every restaurant's 50 reviews. */
const BATCH_TOP_K = 50;

/** The largest of each is one answer for everything (the plan the analyses had before fanning out). */
export const PLAN_VARIANTS: PlanVariant[] = [
  ...[20, 4, 2, 1].map((perAnswer) => ({ analysis: "sentiment" as const, perAnswer })),
  ...[8, 4, 2, 1].map((perAnswer) => ({ analysis: "summary" as const, perAnswer })),
  ...[20, 4, 1].map((perAnswer) => ({ analysis: "strengths" as const, perAnswer })),
  // Step B's longest answer (three claims) is most of its chain: the same claims asked in parts.
  ...[3, 1].map((aspectsPerAnswer) => ({ analysis: "strengths" as const, perAnswer: 1, aspectsPerAnswer })),
  ...[25, 5, 1].map((perAnswer) => ({ analysis: "sentiment" as const, perAnswer, restaurants: 10 })),
];

const isBatch = (v: PlanVariant) => (v.restaurants ?? 1) > 1;

export const variantLabel = (v: PlanVariant) =>
  isBatch(v)
    ? `${v.analysis} of ${v.restaurants} x ${BATCH_TOP_K} reviews at once, ${v.perAnswer} reviews per answer`
    : `${v.analysis}, ${v.perAnswer} ${v.analysis === "summary" ? "keys" : "reviews"} per answer${v.aspectsPerAnswer ? ` and ${v.aspectsPerAnswer} aspects` : ""}`;

export interface PlanRun {
  variant: PlanVariant;
  restaurantId: string;
  measuredMs: number;
  plan: PromptPlan;
  engineMs: number;
}

export interface PlanRow {
  variant: PlanVariant;
  runs: number;
  requests: number;
  computedPromptTokens: number;
  outputTokens: number;
  /** Steps of the longest request of each stage, summed over stages: the critical path in engine steps. */
  chainSteps: number;
  measuredMs: number;
  engineMs: number;
  predictedMs: number;
  /** Mean of |predicted - measured| / measured over the runs. */
  meanAbsError: number;
  /** The same plans on the other profile, predicted (engine time plus the same overhead). */
  otherProfileMs: number;
  /** The fastest plan of its analysis by the model's prediction. */
  fastest: boolean;
}

export interface PlanExperiment {
  profile: string;
  otherProfile: string;
  runsPerVariant: number;
  /** Fitted time outside the engine: per analysis, and per request for all. */
  overheadMs: Record<PlanAnalysis, number>;
  perRequestMs: number;
  rows: PlanRow[];
  runs: PlanRun[];
  loadAverage: { before: number[]; after: number[] };
}

export interface PlanExperimentOptions {
  runsPerVariant: number;
  profile: string;
  seed: number;
  log?: (s: string) => void;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const requestsOf = (plan: PromptPlan) => plan.stages.reduce((n, s) => n + s.requests.length, 0);

/**
 * Least squares of (measured - engine) = a[analysis] + b * requests: b from the variation within
 * each analysis (its plans differ in requests), a as each analysis's mean of what b leaves.
 */
export function fitOverheads(runs: readonly PlanRun[]): { perAnalysisMs: Record<PlanAnalysis, number>; perRequestMs: number } {
  const groups = PLAN_ANALYSES.map((a) => runs.filter((r) => r.variant.analysis === a && !isBatch(r.variant)).map((r) => ({ x: requestsOf(r.plan), y: r.measuredMs - r.engineMs })));
  let sxy = 0;
  let sxx = 0;
  for (const g of groups) {
    const mx = mean(g.map((p) => p.x));
    const my = mean(g.map((p) => p.y));
    for (const p of g) {
      sxy += (p.x - mx) * (p.y - my);
      sxx += (p.x - mx) ** 2;
    }
  }
  const perRequestMs = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  const perAnalysisMs = Object.fromEntries(PLAN_ANALYSES.map((a, i) => [a, mean(groups[i]!.map((p) => p.y - perRequestMs * p.x))])) as Record<PlanAnalysis, number>;
  return { perAnalysisMs, perRequestMs };
}

export async function runPlanExperiment(o: PlanExperimentOptions): Promise<PlanExperiment> {
  const profile = profiles[o.profile];
  if (!profile) throw new Error(`unknown profile ${o.profile}; known: ${Object.keys(profiles).join(", ")}`);
  const otherProfile = Object.values(profiles).find((p) => p.name !== profile.name)!;
  const before = loadavg();
  const tokenizer: PromptTokenizer = getTokenizer();
  const sentimentConfig = readConfig(sentimentSchema);
  const summarizationConfig = readConfig(summarizationSchema);
  const directory = await mkdtemp(join(tmpdir(), "bench-plans-"));
  const vectors = await serveVectorSearch(directory);
  const stack = await startSimStack({ timeScale: 1, profile: profile.name, simArgs: ["--output", "grounded", "--seed", "1"], gateway: true }).catch(async (error: unknown) => {
    await vectors.close();
    throw error;
  });
  const client = createServiceClient(inference.InferenceGatewayServiceDefinition, stack.gateway!.grpcAddress);
  try {
    const { reviews } = generateDataset({ seed: o.seed, restaurants: 10, reviewsPerRestaurant: 50 });
    await uploadReviewRecords(vectors.address, reviews);
    const ids = [...new Set(reviews.map((r) => r.restaurant_id))];
    const recorder = new RecordingGateway(client.client);
    const options: ResolvedOptions = { topK: TOP_K, force: true, priority: common.Priority.PRIORITY_INTERACTIVE };
    const batchOptions: ResolvedOptions = { topK: BATCH_TOP_K, force: true, priority: common.Priority.PRIORITY_BATCH };
    const baseline = createVectorSearchBaseline(vectors.client, { matchSimilarity: summarizationConfig.STRENGTH_MATCH_SIMILARITY, searchTopK: 1000 });
    const embedder = createGatewayEmbedder(client.client);
    const run: Record<PlanAnalysis, (id: string, variant: PlanVariant) => Promise<unknown>> = {
      sentiment: (id, { perAnswer }) => analyzeSentiment({ reviews: vectors.client, gateway: recorder, tokenizer, maxPromptTokens: sentimentConfig.SENTIMENT_MAX_PROMPT_TOKENS, reviewsPerAnswer: perAnswer }, id, options),
      summary: (id, { perAnswer }) =>
        summarizeRestaurant({ reviews: vectors.client, gateway: recorder, tokenizer, maxPromptTokens: summarizationConfig.SUMMARY_MAX_PROMPT_TOKENS, keysPerAnswer: perAnswer }, id, [...DEFAULT_ASPECTS], options),
      strengths: (id, { perAnswer, aspectsPerAnswer }) =>
        extractStrengths(
          {
            reviews: vectors.client,
            gateway: recorder,
            tokenizer,
            embedder,
            baseline,
            maxPromptTokens: summarizationConfig.STRENGTH_MAX_PROMPT_TOKENS,
            clusterSimilarity: summarizationConfig.STRENGTH_CLUSTER_SIMILARITY,
            claimReviewsPerAnswer: perAnswer,
            ...(aspectsPerAnswer ? { claimAspectsPerAnswer: aspectsPerAnswer } : {}),
          },
          { restaurantId: id, options, maxStrengths: DEFAULT_MAX_STRENGTHS, thresholds: DEFAULT_THRESHOLDS },
        ),
    };
    // The throughput job: every restaurant's sentiment at once, at batch priority.
    const runBatch = (perAnswer: number) =>
      Promise.all(
        ids.map((id) =>
          analyzeSentiment({ reviews: vectors.client, gateway: recorder, tokenizer, maxPromptTokens: sentimentConfig.SENTIMENT_MAX_PROMPT_TOKENS, batchReviewsPerAnswer: perAnswer }, id, batchOptions),
        ),
      );
    const resetPrefixCaches = () => Promise.all(stack.sims.map((s) => fetch(`${s.url}/reset_prefix_cache`, { method: "POST" }).then((r) => void r.arrayBuffer())));

    const runs: PlanRun[] = [];
    // Variants interleaved run by run, so a busy spell of the machine falls on all of them alike.
    for (let i = 0; i < o.runsPerVariant; i++) {
      const restaurantId = ids[i % ids.length]!;
      for (const variant of PLAN_VARIANTS) {
        await resetPrefixCaches();
        const started = performance.now();
        await (isBatch(variant) ? runBatch(variant.perAnswer) : run[variant.analysis](restaurantId, variant));
        const measuredMs = performance.now() - started;
        const plan = planOfRequests(recorder.take());
        runs.push({ variant, restaurantId, measuredMs, plan, engineMs: predictPlan(plan, profile).engineMs });
      }
      o.log?.(`run ${i + 1} of ${o.runsPerVariant} done (load ${loadavg()[0]!.toFixed(1)})`);
    }

    const fitted = fitOverheads(runs);
    const rows = PLAN_VARIANTS.map((variant): PlanRow => {
      const mine = runs.filter((r) => r.variant === variant);
      const overheads: Overheads = { perStageMs: 0, perRequestMs: fitted.perRequestMs, perAnalysisMs: fitted.perAnalysisMs[variant.analysis] };
      const predictions = mine.map((r) => predictPlan(r.plan, profile, overheads));
      const requests = (r: PlanRun) => r.plan.stages.flatMap((s) => s.requests);
      return {
        variant,
        runs: mine.length,
        requests: mean(mine.map((r) => requests(r).length)),
        computedPromptTokens: mean(mine.map((r) => requests(r).reduce((n, q) => n + q.promptTokens - q.cachedTokens, 0))),
        outputTokens: mean(mine.map((r) => requests(r).reduce((n, q) => n + q.outputTokens, 0))),
        chainSteps: mean(predictions.map((p) => p.stages.reduce((n, s) => n + s.longestChain, 0))),
        measuredMs: mean(mine.map((r) => r.measuredMs)),
        engineMs: mean(predictions.map((p) => p.engineMs)),
        predictedMs: mean(predictions.map((p) => p.ms)),
        meanAbsError: mean(mine.map((r, k) => Math.abs(predictions[k]!.ms - r.measuredMs) / r.measuredMs)),
        otherProfileMs: mean(mine.map((r) => predictPlan(r.plan, otherProfile, overheads).ms)),
        fastest: false,
      };
    });
    // The fastest predicted plan of each analysis (what it costs in tokens is in the table beside it).
    const groups = [...new Set(rows.map((r) => `${r.variant.analysis}/${r.variant.restaurants ?? 1}`))];
    for (const group of groups) rows.filter((r) => `${r.variant.analysis}/${r.variant.restaurants ?? 1}` === group).reduce((a, b) => (b.predictedMs < a.predictedMs ? b : a)).fastest = true;
    return {
      profile: profile.name,
      otherProfile: otherProfile.name,
      runsPerVariant: o.runsPerVariant,
      overheadMs: fitted.perAnalysisMs,
      perRequestMs: fitted.perRequestMs,
      rows,
      runs,
      loadAverage: { before, after: loadavg() },
    };
  } finally {
    client.channel.close();
    await stack.stop();
    await vectors.close();
    await rm(directory, { recursive: true, force: true });
  }
}
