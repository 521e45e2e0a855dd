// Composition root of the sentiment service.
import { analysisServiceSchema, openAnalysisDependencies } from "@reviewlens/analysis-core";
import { sentiment } from "@reviewlens/contracts";
import { env, runService } from "@reviewlens/runtime";
import { getTokenizer } from "@reviewlens/tokenizer";
import { createSentimentService } from "./sentiment-service.js";

await runService({
  name: "sentiment",
  defaults: { grpcPort: 50053, metricsPort: 9463 },
  schema: {
    ...analysisServiceSchema,
    SENTIMENT_MAX_PROMPT_TOKENS: env.integer(512, 32_768, 1_536),
    SENTIMENT_OUTPUT_TOKENS_PER_REVIEW: env.integer(1, 1_000, 40),
  },
  async build(ctx) {
    const { config } = ctx;
    const deps = await openAnalysisDependencies(ctx);
    const implementation = createSentimentService(
      {
        reviews: deps.vectors,
        gateway: deps.gateway,
        tokenizer: getTokenizer(),
        maxPromptTokens: config.SENTIMENT_MAX_PROMPT_TOKENS,
        outputTokensPerReview: config.SENTIMENT_OUTPUT_TOKENS_PER_REVIEW,
      },
      deps.runner,
    );
    return { services: [{ definition: sentiment.SentimentServiceDefinition, implementation }], readiness: deps.readiness, close: deps.close };
  },
});
