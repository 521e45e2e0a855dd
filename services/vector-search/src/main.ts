// Composition root of vector-search: store (LanceDB or Qdrant), embedder (hashing or gateway),
// query expansion through the gateway, gRPC handlers.
import { resolve } from "node:path";
import { createGatewayEmbedder, createHashingEmbedder, type Embedder } from "@reviewlens/embedder";
import { inference, vectorsearch } from "@reviewlens/contracts";
import { allReady, createServiceClient, grpcDependency, runService, type DependencyProbe } from "@reviewlens/runtime";
import { createGatewayQueryExpander } from "./adapters/gateway-query-expander.js";
import { openLanceDbVectorStore } from "./adapters/lancedb-vector-store.js";
import { openQdrantVectorStore } from "./adapters/qdrant-vector-store.js";
import { vectorSearchFormerNames, vectorSearchPorts, vectorSearchSchema } from "./config.js";
import { DEFAULT_REVIEW_LIMITS } from "./domain/review.js";
import { DEFAULT_WEIGHT_POLICY } from "./domain/representative-vector.js";
import { ReviewIndex } from "./review-index.js";
import { createVectorSearchHandlers } from "./vector-search-handlers.js";
import { DimensionMismatchError, type VectorStore } from "./vector-store.js";

await runService({
  name: "vector-search",
  defaults: vectorSearchPorts,
  schema: vectorSearchSchema,
  formerNames: vectorSearchFormerNames,
  async build({ config, logger, meter }) {
    const needsGateway = config.VECTOR_SEARCH_EMBEDDER === "gateway" || config.VECTOR_SEARCH_QUERY_EXPANSION;
    const gateway = needsGateway ? createServiceClient(inference.InferenceGatewayServiceDefinition, config.GATEWAY_ADDR, { defaultDeadlineMs: 60_000, apiKey: config.GATEWAY_GRPC_API_KEY }) : undefined;
    const embedder: Embedder =
      config.VECTOR_SEARCH_EMBEDDER === "gateway" && gateway ? createGatewayEmbedder(gateway.client, config.VECTOR_SEARCH_EMBEDDING_DIMENSION) : createHashingEmbedder({ dimension: config.VECTOR_SEARCH_EMBEDDING_DIMENSION });

    const store: VectorStore = config.VECTOR_SEARCH_QDRANT_URL
      ? openQdrantVectorStore({ url: config.VECTOR_SEARCH_QDRANT_URL, apiKey: config.VECTOR_SEARCH_QDRANT_API_KEY })
      : await openLanceDbVectorStore(resolve(config.DATA_DIR, "vector-search"));
    let index: ReviewIndex;
    try {
      index = await ReviewIndex.open(store, embedder, { ...DEFAULT_WEIGHT_POLICY, recencyHalfLifeDays: config.VECTOR_SEARCH_RECENCY_HALF_LIFE_DAYS, fullLengthChars: config.VECTOR_SEARCH_FULL_LENGTH_CHARS });
    } catch (error) {
      if (!(error instanceof DimensionMismatchError)) throw error;
      logger.fatal({ collection: error.collection, expected: error.expected, actual: error.actual }, `VECTOR_SEARCH_EMBEDDING_DIMENSION does not match the store: ${error.message}`);
      process.exit(2);
    }
    // Every write repairs first anyway; at start it also fixes what reads see before the next write.
    await index.repairInterruptedWrites().then(
      (restaurants) => restaurants.length > 0 && logger.warn({ restaurants }, `rebuilt ${restaurants.length} restaurants an interrupted write left incomplete`),
      (error: unknown) => logger.warn({ err: error }, "could not repair interrupted writes yet; the next write tries again"),
    );
    logger.info(
      { store: store.kind, embedder: config.VECTOR_SEARCH_EMBEDDER, dimension: embedder.dimension, dataDir: config.VECTOR_SEARCH_QDRANT_URL ? undefined : resolve(config.DATA_DIR) },
      `vector store ${store.kind}, ${config.VECTOR_SEARCH_EMBEDDER} embedder (${embedder.dimension} dimensions)`,
    );

    const probes: DependencyProbe[] = config.VECTOR_SEARCH_EMBEDDER === "gateway" ? [grpcDependency("inference-gateway", config.GATEWAY_ADDR)] : [];
    const implementation = createVectorSearchHandlers({
      index,
      expandQuery: config.VECTOR_SEARCH_QUERY_EXPANSION && gateway ? createGatewayQueryExpander(gateway.client) : undefined,
      limits: { ...DEFAULT_REVIEW_LIMITS, maxTextChars: config.VECTOR_SEARCH_MAX_REVIEW_CHARS },
      uploadBatchSize: config.VECTOR_SEARCH_UPLOAD_BATCH_REVIEWS,
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
