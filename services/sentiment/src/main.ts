// Composition root of the sentiment service.
import { analysisTokenizer, openAnalysisDependencies } from "@reviewlens/analysis-core";
import { sentiment } from "@reviewlens/contracts";
import { runService } from "@reviewlens/runtime";
import { sentimentPorts, sentimentSchema } from "./config.js";
import { createSentimentService } from "./sentiment-service.js";

await runService({
  name: "sentiment",
  defaults: sentimentPorts,
  schema: sentimentSchema,
  async build(ctx) {
    const { config } = ctx;
    const deps = await openAnalysisDependencies(ctx, "sentiment");
    const implementation = createSentimentService(
      {
        reviews: deps.vectors,
        gateway: deps.gateway,
        tokenizer: analysisTokenizer(),
        maxPromptTokens: config.SENTIMENT_MAX_PROMPT_TOKENS,
        outputTokensPerReview: config.SENTIMENT_OUTPUT_TOKENS_PER_REVIEW,
        reviewsPerAnswer: config.SENTIMENT_REVIEWS_PER_ANSWER,
        batchReviewsPerAnswer: config.SENTIMENT_BATCH_REVIEWS_PER_ANSWER,
      },
      deps.runner,
    );
    return { services: [{ definition: sentiment.SentimentServiceDefinition, implementation }], readiness: deps.readiness, close: deps.close };
  },
});
