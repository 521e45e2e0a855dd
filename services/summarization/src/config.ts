// summarization settings (environment variables; docs/configuration.md is generated from these descriptions).
import { analysisServiceSchema } from "@reviewlens/analysis-core";
import { env, type ServicePorts } from "@reviewlens/runtime";

export const summarizationPorts: ServicePorts = { grpcPort: 50054, metricsPort: 9464 };

export const summarizationSchema = {
  ...analysisServiceSchema,
  SUMMARY_MAX_PROMPT_TOKENS: env.integer(1_024, 32_768, 6_144).describe("the summary prompt's token budget"),
  STRENGTH_MAX_PROMPT_TOKENS: env.integer(512, 32_768, 1_536).describe("the token budget of strengths' step B prompt (claim extraction)"),
  STRENGTH_CLUSTER_SIMILARITY: env.number(0, 1, 0.6).describe("cosine for two claims to share a cluster (strengths' step C)"),
  // Calibrated for the hashing embedder on the demo data: generic praise matches every restaurant alike.
  STRENGTH_MATCH_SIMILARITY: env
    .number(0, 1, 0.25)
    .describe("cosine for a review to count as making a claim (strengths' step E); calibrated for the hashing embedder on the demo data: raise it for a neural embedder"),
};
