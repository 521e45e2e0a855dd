// Prompt tokens of the TOP-K representative reviews versus all reviews, per analysis, on restaurants
// of growing size. Everything but the model is real and in-process: vector-search's index and gRPC
// handlers pick the TOP-K (LanceDB in a temporary folder, the default hashing embedder), and the
// analyses build and pack their prompts with their own budgets; a counting gateway stands in for the
// LLM. The all-reviews figure is the one every analysis reports (usage.all_reviews_prompt_tokens).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { metrics } from "@opentelemetry/api";
import type { PromptTokenizer, ResolvedOptions } from "@reviewlens/analysis-core";
import { common, vectorsearch } from "@reviewlens/contracts";
import { generateDataset } from "@reviewlens/demo-data";
import { createHashingEmbedder } from "@reviewlens/embedder";
import { readConfig } from "@reviewlens/runtime";
import { analyzeSentiment, sentimentSchema } from "@reviewlens/sentiment";
import { DEFAULT_ASPECTS, DEFAULT_MAX_STRENGTHS, DEFAULT_THRESHOLDS, extractStrengths, summarizationSchema, summarizeRestaurant } from "@reviewlens/summarization";
import { uploadReviewRecords } from "@reviewlens/testkit";
import { getTokenizer } from "@reviewlens/tokenizer";
import { createVectorSearchHandlers, DEFAULT_REVIEW_LIMITS, DEFAULT_WEIGHT_POLICY, openLanceDbVectorStore, ReviewIndex } from "@reviewlens/vector-search";
import { profiles, stepDurationMs, type CostProfile } from "@reviewlens/vllm-sim";
import { createChannel, createClient, createServer } from "nice-grpc";
import { PromptCountingGateway, type SentPrompt } from "./prompt-counting-gateway.js";
import { SIM_PROFILE } from "./sim-stack.js";

export const TOPK_ANALYSES = ["sentiment", "summary", "strengths"] as const;
export type TopkAnalysis = (typeof TOPK_ANALYSES)[number];

export interface TopkOptions {
  /** One restaurant of each size. */
  reviewCounts: number[];
  topK: number;
  seed: number;
  log?: (s: string) => void;
}

export interface TopkRow {
  analysis: TopkAnalysis;
  reviews: number;
  /** Reviews in the prompts actually sent. */
  reviewsSent: number;
  prompts: number;
  topKPromptTokens: number;
  allReviewsPromptTokens: number;
  savedShare: number;
  /** The profile's per-token prefill time of those tokens (ms). */
  topKPrefillMs: number;
  allReviewsPrefillMs: number;
}

export interface TopkRun {
  rows: TopkRow[];
  /** Prompt budgets (tokens) the analyses packed with: the services' settings in this environment. */
  budgets: Record<TopkAnalysis, number>;
  profile: string;
  /** What each row's analysis sent, in the order of `rows`. */
  sent: SentPrompt[][];
}

export const sizedRestaurantId = (reviews: number) => `size${reviews}`;

/** The token-proportional part of a prefill step on the profile (the per-step and attention terms left out). */
export function prefillMsPerTokens(profile: CostProfile, tokens: number): number {
  const idle = { decodeSeqs: 0, decodeContextTokens: 0, prefillTokens: 0, prefillAttention: 0 };
  return stepDurationMs(profile, { ...idle, prefillTokens: tokens }) - stepDurationMs(profile, idle);
}

/** vector-search with its defaults on a gRPC port of this process; the client is what the analyses call. */
export async function serveVectorSearch(directory: string) {
  const index = await ReviewIndex.open(await openLanceDbVectorStore(directory), createHashingEmbedder(), DEFAULT_WEIGHT_POLICY);
  const server = createServer();
  server.add(vectorsearch.VectorSearchServiceDefinition, createVectorSearchHandlers({ index, limits: DEFAULT_REVIEW_LIMITS, uploadBatchSize: 256, meter: metrics.getMeter("bench-topk") }));
  const address = `127.0.0.1:${await server.listen("127.0.0.1:0")}`;
  const channel = createChannel(address);
  return {
    address,
    client: createClient(vectorsearch.VectorSearchServiceDefinition, channel),
    async close() {
      channel.close();
      await server.shutdown();
      await index.close();
    },
  };
}

export async function runTopkExperiment(o: TopkOptions): Promise<TopkRun> {
  const tokenizer: PromptTokenizer = getTokenizer();
  const profile = profiles[SIM_PROFILE]!;
  const sentimentConfig = readConfig(sentimentSchema);
  const summarizationConfig = readConfig(summarizationSchema);
  const budgets = { sentiment: sentimentConfig.SENTIMENT_MAX_PROMPT_TOKENS, summary: summarizationConfig.SUMMARY_MAX_PROMPT_TOKENS, strengths: summarizationConfig.STRENGTH_MAX_PROMPT_TOKENS };
  const options: ResolvedOptions = { topK: o.topK, force: true, priority: common.Priority.PRIORITY_BATCH };
  const unused = (what: string) => () => Promise.reject(new Error(`answers without claims need no ${what}`));

  const directory = await mkdtemp(join(tmpdir(), "bench-topk-"));
  const vectors = await serveVectorSearch(directory);
  try {
    // The same seed for every size: the smaller restaurants' reviews are the first ones of the larger.
    const records = o.reviewCounts.flatMap((n) =>
      generateDataset({ seed: o.seed, restaurants: 1, reviewsPerRestaurant: n }).reviews.map((r) => ({ ...r, review_id: `n${n}-${r.review_id}`, restaurant_id: sizedRestaurantId(n) })),
    );
    o.log?.(`indexing ${records.length} demo reviews (seed ${o.seed}) in an in-process vector-search`);
    await uploadReviewRecords(vectors.address, records);

    const rows: TopkRow[] = [];
    const sent: SentPrompt[][] = [];
    const analyses: Record<TopkAnalysis, (restaurantId: string, gateway: PromptCountingGateway) => Promise<common.AnalysisReport>> = {
      sentiment: async (id, gateway) =>
        (await analyzeSentiment({ reviews: vectors.client, gateway, tokenizer, maxPromptTokens: budgets.sentiment, outputTokensPerReview: sentimentConfig.SENTIMENT_OUTPUT_TOKENS_PER_REVIEW }, id, options)).report,
      summary: async (id, gateway) => (await summarizeRestaurant({ reviews: vectors.client, gateway, tokenizer, maxPromptTokens: budgets.summary }, id, [...DEFAULT_ASPECTS], options)).report,
      strengths: async (id, gateway) =>
        (
          await extractStrengths(
            {
              reviews: vectors.client,
              gateway,
              tokenizer,
              embedder: { embed: unused("claim embeddings") },
              baseline: { prevalence: unused("baseline") },
              maxPromptTokens: budgets.strengths,
              clusterSimilarity: summarizationConfig.STRENGTH_CLUSTER_SIMILARITY,
            },
            { restaurantId: id, options, maxStrengths: DEFAULT_MAX_STRENGTHS, thresholds: DEFAULT_THRESHOLDS },
          )
        ).report,
    };
    for (const n of o.reviewCounts) {
      for (const analysis of TOPK_ANALYSES) {
        const gateway = new PromptCountingGateway(tokenizer);
        const report = await analyses[analysis](sizedRestaurantId(n), gateway);
        const topK = report.usage!.promptTokens;
        const all = report.usage!.allReviewsPromptTokens;
        rows.push({
          analysis,
          reviews: n,
          reviewsSent: report.reviewsConsidered,
          prompts: report.llmRequests,
          topKPromptTokens: topK,
          allReviewsPromptTokens: all,
          savedShare: all > 0 ? 1 - topK / all : 0,
          topKPrefillMs: prefillMsPerTokens(profile, topK),
          allReviewsPrefillMs: prefillMsPerTokens(profile, all),
        });
        sent.push(gateway.sent);
        o.log?.(`${analysis}, ${n} reviews: ${topK} prompt tokens with TOP-${o.topK}, ${all} with all reviews`);
      }
    }
    return { rows, budgets, profile: profile.name, sent };
  } finally {
    await vectors.close();
    await rm(directory, { recursive: true, force: true });
  }
}
