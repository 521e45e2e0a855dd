// Composition root of the summarization service.
import { analysisTokenizer, openAnalysisDependencies } from "@reviewlens/analysis-core";
import { summarization } from "@reviewlens/contracts";
import { createGatewayEmbedder } from "@reviewlens/embedder";
import { runService } from "@reviewlens/runtime";
import { createVectorSearchBaseline } from "./adapters/vector-search-baseline.js";
import { summarizationPorts, summarizationSchema } from "./config.js";
import { createSummarizationService } from "./summarization-service.js";

await runService({
  name: "summarization",
  defaults: summarizationPorts,
  schema: summarizationSchema,
  async build(ctx) {
    const { config } = ctx;
    const deps = await openAnalysisDependencies(ctx, "summarization");
    const implementation = createSummarizationService(
      {
        reviews: deps.vectors,
        gateway: deps.gateway,
        tokenizer: analysisTokenizer(),
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
