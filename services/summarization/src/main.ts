// Composition root of the summarization service.
import { analysisServiceSchema, openAnalysisDependencies } from "@reviewlens/analysis-core";
import { summarization } from "@reviewlens/contracts";
import { env, runService } from "@reviewlens/runtime";
import { getTokenizer } from "@reviewlens/tokenizer";
import { createGatewayEmbedder } from "./adapters/gateway-embedder.js";
import { createVectorSearchBaseline } from "./adapters/vector-search-baseline.js";
import { createSummarizationService } from "./summarization-service.js";

await runService({
  name: "summarization",
  defaults: { grpcPort: 50054, metricsPort: 9464 },
  schema: {
    ...analysisServiceSchema,
    SUMMARY_MAX_PROMPT_TOKENS: env.integer(1_024, 32_768, 6_144),
    STRENGTH_MAX_PROMPT_TOKENS: env.integer(512, 32_768, 1_536),
    STRENGTH_CLUSTER_SIMILARITY: env.number(0, 1, 0.6),
    // Calibrated for the hashing embedder on the demo data: generic praise matches every restaurant alike.
    STRENGTH_MATCH_SIMILARITY: env.number(0, 1, 0.25),
  },
  async build(ctx) {
    const { config } = ctx;
    const deps = await openAnalysisDependencies(ctx);
    const implementation = createSummarizationService(
      {
        reviews: deps.vectors,
        gateway: deps.gateway,
        tokenizer: getTokenizer(),
        embedder: createGatewayEmbedder(deps.gateway),
        baseline: createVectorSearchBaseline(deps.vectors, { matchSimilarity: config.STRENGTH_MATCH_SIMILARITY, searchTopK: 1000 }),
        maxPromptTokens: config.STRENGTH_MAX_PROMPT_TOKENS,
        summaryMaxPromptTokens: config.SUMMARY_MAX_PROMPT_TOKENS,
        clusterSimilarity: config.STRENGTH_CLUSTER_SIMILARITY,
      },
      deps.runner,
    );
    return { services: [{ definition: summarization.SummarizationServiceDefinition, implementation }], readiness: deps.readiness, close: deps.close };
  },
});
