// sentiment settings (environment variables; the README's table documents each).
import { analysisServiceSchema } from "@reviewlens/analysis-core";
import { env } from "@reviewlens/runtime";

export const sentimentSchema = {
  ...analysisServiceSchema,
  SENTIMENT_MAX_PROMPT_TOKENS: env.integer(512, 32_768, 1_536),
  SENTIMENT_OUTPUT_TOKENS_PER_REVIEW: env.integer(1, 1_000, 16),
  SENTIMENT_REVIEWS_PER_ANSWER: env.integer(1, 200, 1),
  SENTIMENT_BATCH_REVIEWS_PER_ANSWER: env.integer(1, 200, 5),
};
