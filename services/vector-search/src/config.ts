// vector-search settings (environment variables; docs/configuration.md is generated from these descriptions).
import { dataDirField, env, gatewayGrpcApiKeyClientField, type ServicePorts } from "@reviewlens/runtime";

export const vectorSearchPorts: ServicePorts = { grpcPort: 50052, metricsPort: 9462 };

export const vectorSearchSchema = {
  DATA_DIR: dataDirField,
  VECTOR_SEARCH_QDRANT_URL: env.optional(env.url()).describe("use Qdrant at this URL instead of the embedded LanceDB"),
  VECTOR_SEARCH_QDRANT_API_KEY: env.optional(env.string()).describe("Qdrant's API key"),
  VECTOR_SEARCH_EMBEDDER: env.oneOf(["hashing", "gateway"], "hashing").describe("`hashing` (in-process character n-gram hashing, no model) or `gateway` (the inference gateway's `Embed`)"),
  VECTOR_SEARCH_EMBEDDING_DIMENSION: env.integer(8, 8192, 384).describe("vector dimension; must match the collections and the embedding model"),
  GATEWAY_ADDR: env.string("127.0.0.1:50051").describe("inference-gateway address (embeddings with `VECTOR_SEARCH_EMBEDDER=gateway`, image-search query expansion)"),
  GATEWAY_GRPC_API_KEY: gatewayGrpcApiKeyClientField,
  VECTOR_SEARCH_QUERY_EXPANSION: env.boolean(true).describe("`false`: image search never calls the gateway"),
  VECTOR_SEARCH_RECENCY_HALF_LIFE_DAYS: env.number(1, 36_500, 180).describe("recency half-life of representative-vector weights"),
  VECTOR_SEARCH_FULL_LENGTH_CHARS: env.integer(1, 100_000, 200).describe("review length that gets the full length weight"),
  VECTOR_SEARCH_MAX_REVIEW_CHARS: env.integer(1, 1_000_000, 5_000).describe("longest accepted review text (and query)"),
  VECTOR_SEARCH_UPLOAD_BATCH_REVIEWS: env.integer(1, 10_000, 256).describe("reviews per store write in `UploadReviews`"),
};

/** vector-search's variables renamed to carry its prefix and unit: the former names are still read for one release, with a warning. */
export const vectorSearchFormerNames = {
  VECTOR_SEARCH_QDRANT_URL: "QDRANT_URL",
  VECTOR_SEARCH_QDRANT_API_KEY: "QDRANT_API_KEY",
  VECTOR_SEARCH_EMBEDDER: "EMBEDDER",
  VECTOR_SEARCH_EMBEDDING_DIMENSION: "EMBEDDING_DIMENSION",
  VECTOR_SEARCH_QUERY_EXPANSION: "QUERY_EXPANSION",
  VECTOR_SEARCH_RECENCY_HALF_LIFE_DAYS: "RECENCY_HALF_LIFE_DAYS",
  VECTOR_SEARCH_FULL_LENGTH_CHARS: "FULL_LENGTH_CHARS",
  VECTOR_SEARCH_MAX_REVIEW_CHARS: "MAX_REVIEW_CHARS",
  VECTOR_SEARCH_UPLOAD_BATCH_REVIEWS: "UPLOAD_BATCH_SIZE",
} as const;
