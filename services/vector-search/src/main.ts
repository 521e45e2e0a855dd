// Composition root of vector-search: store (LanceDB or Qdrant), embedder (hashing or gateway),
// query expansion through the gateway, gRPC handlers.
import { resolve } from "node:path";
import { createGatewayEmbedder, createHashingEmbedder, type Embedder } from "@reviewlens/embedder";
import { inference, vectorsearch } from "@reviewlens/contracts";
import { allReady, createServiceClient, grpcDependency, runService, type DependencyProbe } from "@reviewlens/runtime";
import { createGatewayQueryExpander } from "./adapters/gateway-query-expander.js";
import { openLanceDbVectorStore } from "./adapters/lancedb-vector-store.js";
import { openQdrantVectorStore } from "./adapters/qdrant-vector-store.js";
import { vectorSearchPorts, vectorSearchSchema } from "./config.js";
import { DEFAULT_REVIEW_LIMITS } from "./domain/review.js";
import { DEFAULT_WEIGHT_POLICY } from "./domain/representative-vector.js";
import { ReviewIndex } from "./review-index.js";
import { createVectorSearchHandlers } from "./vector-search-handlers.js";
import { DimensionMismatchError, type VectorStore } from "./vector-store.js";

await runService({
  name: "vector-search",
  defaults: vectorSearchPorts,
  schema: vectorSearchSchema,
  async build({ config, logger, meter }) {
    const needsGateway = config.EMBEDDER === "gateway" || config.QUERY_EXPANSION;
    const gateway = needsGateway ? createServiceClient(inference.InferenceGatewayServiceDefinition, config.GATEWAY_ADDR, { defaultDeadlineMs: 60_000, apiKey: config.GATEWAY_GRPC_API_KEY }) : undefined;
    const embedder: Embedder =
      config.EMBEDDER === "gateway" && gateway ? createGatewayEmbedder(gateway.client, config.EMBEDDING_DIMENSION) : createHashingEmbedder({ dimension: config.EMBEDDING_DIMENSION });

    const store: VectorStore = config.QDRANT_URL
      ? openQdrantVectorStore({ url: config.QDRANT_URL, apiKey: config.QDRANT_API_KEY })
      : await openLanceDbVectorStore(resolve(config.DATA_DIR, "vector-search"));
    let index: ReviewIndex;
    try {
      index = await ReviewIndex.open(store, embedder, { ...DEFAULT_WEIGHT_POLICY, recencyHalfLifeDays: config.RECENCY_HALF_LIFE_DAYS, fullLengthChars: config.FULL_LENGTH_CHARS });
    } catch (error) {
      if (!(error instanceof DimensionMismatchError)) throw error;
      logger.fatal({ collection: error.collection, expected: error.expected, actual: error.actual }, `EMBEDDING_DIMENSION does not match the store: ${error.message}`);
      process.exit(2);
    }
    logger.info(
      { store: store.kind, embedder: config.EMBEDDER, dimension: embedder.dimension, dataDir: config.QDRANT_URL ? undefined : resolve(config.DATA_DIR) },
      `vector store ${store.kind}, ${config.EMBEDDER} embedder (${embedder.dimension} dimensions)`,
    );

    const probes: DependencyProbe[] = config.EMBEDDER === "gateway" ? [grpcDependency("inference-gateway", config.GATEWAY_ADDR)] : [];
    const implementation = createVectorSearchHandlers({
      index,
      expandQuery: config.QUERY_EXPANSION && gateway ? createGatewayQueryExpander(gateway.client) : undefined,
      limits: { ...DEFAULT_REVIEW_LIMITS, maxTextChars: config.MAX_REVIEW_CHARS },
      uploadBatchSize: config.UPLOAD_BATCH_SIZE,
      meter,
    });
    return {
      services: [{ definition: vectorsearch.VectorSearchServiceDefinition, implementation }],
      readiness: (signal) => allReady(probes, signal),
      async close() {
        for (const probe of probes) probe.close();
        gateway?.channel.close();
        await index.close();
      },
    };
  },
});
