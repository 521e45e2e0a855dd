// vector-search settings (environment variables; docs/configuration.md is generated from these descriptions).
import { dataDirField, env, gatewayGrpcApiKeyClientField, type ServicePorts } from "@reviewlens/runtime";

export const vectorSearchPorts: ServicePorts = { grpcPort: 50052, metricsPort: 9462 };

export const vectorSearchSchema = {
  DATA_DIR: dataDirField,
  QDRANT_URL: env.optional(env.url()).describe("use Qdrant at this URL instead of the embedded LanceDB"),
  QDRANT_API_KEY: env.optional(env.string()).describe("Qdrant's API key"),
  EMBEDDER: env.oneOf(["hashing", "gateway"], "hashing").describe("`hashing` (in-process character n-gram hashing, no model) or `gateway` (the inference gateway's `Embed`)"),
  EMBEDDING_DIMENSION: env.integer(8, 8192, 384).describe("vector dimension; must match the collections and the embedding model"),
  GATEWAY_ADDR: env.string("127.0.0.1:50051").describe("inference-gateway address (embeddings with `EMBEDDER=gateway`, image-search query expansion)"),
  GATEWAY_GRPC_API_KEY: gatewayGrpcApiKeyClientField,
  QUERY_EXPANSION: env.boolean(true).describe("`false`: image search never calls the gateway"),
  RECENCY_HALF_LIFE_DAYS: env.number(1, 36_500, 180).describe("recency half-life of representative-vector weights"),
  FULL_LENGTH_CHARS: env.integer(1, 100_000, 200).describe("review length that gets the full length weight"),
  MAX_REVIEW_CHARS: env.integer(1, 1_000_000, 5_000).describe("longest accepted review text (and query)"),
  UPLOAD_BATCH_SIZE: env.integer(1, 10_000, 256).describe("reviews per store write in `UploadReviews`"),
};
