// Composition root of the summarization service.
import { inference, summarization, vectorsearch } from "@reviewlens/contracts";
import { directRunner, instrumentRunner } from "@reviewlens/analysis-core";
import { allReady, createServiceClient, env, grpcDependency, runService } from "@reviewlens/runtime";
import { getTokenizer } from "@reviewlens/tokenizer";
import { createGatewayEmbedder } from "./adapters/gateway-embedder.js";
import { createVectorSearchBaseline } from "./adapters/vector-search-baseline.js";
import { createSummarizationService } from "./summarization-service.js";

await runService({
  name: "summarization",
  defaults: { grpcPort: 50054, metricsPort: 9464 },
  schema: {
    VECTOR_SEARCH_ADDR: env.string("127.0.0.1:50052"),
    GATEWAY_ADDR: env.string("127.0.0.1:50051"),
    SUMMARY_MAX_PROMPT_TOKENS: env.integer(1_024, 32_768, 6_144),
    STRENGTH_MAX_PROMPT_TOKENS: env.integer(512, 32_768, 1_536),
    STRENGTH_CLUSTER_SIMILARITY: env.number(0, 1, 0.6),
    STRENGTH_MATCH_SIMILARITY: env.number(0, 1, 0.25),
  },
  async build({ config, meter }) {
    const vectors = createServiceClient(vectorsearch.VectorSearchServiceDefinition, config.VECTOR_SEARCH_ADDR);
    const gateway = createServiceClient(inference.InferenceGatewayServiceDefinition, config.GATEWAY_ADDR);
    const probes = [grpcDependency("vector-search", config.VECTOR_SEARCH_ADDR), grpcDependency("inference-gateway", config.GATEWAY_ADDR)];
    const implementation = createSummarizationService(
      {
        reviews: vectors.client,
        gateway: gateway.client,
        tokenizer: getTokenizer(),
        embedder: createGatewayEmbedder(gateway.client),
        baseline: createVectorSearchBaseline(vectors.client, { matchSimilarity: config.STRENGTH_MATCH_SIMILARITY, searchTopK: 1000 }),
        maxPromptTokens: config.STRENGTH_MAX_PROMPT_TOKENS,
        summaryMaxPromptTokens: config.SUMMARY_MAX_PROMPT_TOKENS,
        clusterSimilarity: config.STRENGTH_CLUSTER_SIMILARITY,
      },
      instrumentRunner(directRunner, meter),
    );
    return {
      services: [{ definition: summarization.SummarizationServiceDefinition, implementation }],
      readiness: (signal) => allReady(probes, signal),
      async close() {
        for (const p of probes) p.close();
        vectors.channel.close();
        gateway.channel.close();
      },
    };
  },
});
