// sentiment settings (environment variables; docs/configuration.md is generated from these descriptions).
import { analysisServiceSchema } from "@reviewlens/analysis-core";
import { env, type ServicePorts } from "@reviewlens/runtime";

export const sentimentPorts: ServicePorts = { grpcPort: 50053, metricsPort: 9463 };

export const sentimentSchema = {
  ...analysisServiceSchema,
  SENTIMENT_MAX_PROMPT_TOKENS: env.integer(512, 32_768, 1_536).describe("largest sentiment prompt in tokens (template, instructions, reviews)"),
  SENTIMENT_OUTPUT_TOKENS_PER_REVIEW: env.integer(1, 1_000, 16).describe("`max_tokens` per review of an answer (+8)"),
  SENTIMENT_REVIEWS_PER_ANSWER: env.integer(1, 200, 1).describe("reviews one answer covers at interactive and standard priority"),
  SENTIMENT_BATCH_REVIEWS_PER_ANSWER: env.integer(1, 200, 5).describe("reviews one answer covers at batch priority (fewer requests where the engine is full anyway)"),
};
