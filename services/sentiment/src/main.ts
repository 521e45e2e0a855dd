// Composition root of the sentiment service.
import { sentiment, inference, vectorsearch } from "@reviewlens/contracts";
import { directRunner, instrumentRunner } from "@reviewlens/analysis-core";
import { allReady, createServiceClient, env, grpcDependency, runService } from "@reviewlens/runtime";
import { getTokenizer } from "@reviewlens/tokenizer";
import { createSentimentService } from "./sentiment-service.js";

await runService({
  name: "sentiment",
  defaults: { grpcPort: 50053, metricsPort: 9463 },
  schema: {
    VECTOR_SEARCH_ADDR: env.string("127.0.0.1:50052"),
    GATEWAY_ADDR: env.string("127.0.0.1:50051"),
    SENTIMENT_MAX_PROMPT_TOKENS: env.integer(512, 32_768, 1_536),
    SENTIMENT_OUTPUT_TOKENS_PER_REVIEW: env.integer(1, 1_000, 40),
  },
  async build({ config, meter }) {
    const vectors = createServiceClient(vectorsearch.VectorSearchServiceDefinition, config.VECTOR_SEARCH_ADDR);
    const gateway = createServiceClient(inference.InferenceGatewayServiceDefinition, config.GATEWAY_ADDR);
    const probes = [grpcDependency("vector-search", config.VECTOR_SEARCH_ADDR), grpcDependency("inference-gateway", config.GATEWAY_ADDR)];
    const implementation = createSentimentService(
      { reviews: vectors.client, gateway: gateway.client, tokenizer: getTokenizer(), maxPromptTokens: config.SENTIMENT_MAX_PROMPT_TOKENS, outputTokensPerReview: config.SENTIMENT_OUTPUT_TOKENS_PER_REVIEW },
      instrumentRunner(directRunner, meter),
    );
    return {
      services: [{ definition: sentiment.SentimentServiceDefinition, implementation }],
      readiness: (signal) => allReady(probes, signal),
      async close() {
        for (const p of probes) p.close();
        vectors.channel.close();
        gateway.channel.close();
      },
    };
  },
});
