// summarization settings (environment variables; the README's table documents each).
import { analysisServiceSchema } from "@reviewlens/analysis-core";
import { env } from "@reviewlens/runtime";

export const summarizationSchema = {
  ...analysisServiceSchema,
  SUMMARY_MAX_PROMPT_TOKENS: env.integer(1_024, 32_768, 6_144),
  STRENGTH_MAX_PROMPT_TOKENS: env.integer(512, 32_768, 1_536),
  STRENGTH_CLUSTER_SIMILARITY: env.number(0, 1, 0.6),
  // Calibrated for the hashing embedder on the demo data: generic praise matches every restaurant alike.
  STRENGTH_MATCH_SIMILARITY: env.number(0, 1, 0.25),
};
