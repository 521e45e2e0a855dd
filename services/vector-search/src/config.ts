// vector-search settings (environment variables; the README's table documents each).
import { env } from "@reviewlens/runtime";

export const vectorSearchSchema = {
  DATA_DIR: env.string(".data"),
  QDRANT_URL: env.optional(env.url()),
  QDRANT_API_KEY: env.optional(env.string()),
  EMBEDDER: env.oneOf(["hashing", "gateway"], "hashing"),
  EMBEDDING_DIMENSION: env.integer(8, 8192, 384),
  GATEWAY_ADDR: env.string("127.0.0.1:50051"),
  GATEWAY_GRPC_API_KEY: env.optional(env.string()),
  QUERY_EXPANSION: env.boolean(true),
  RECENCY_HALF_LIFE_DAYS: env.number(1, 36_500, 180),
  FULL_LENGTH_CHARS: env.integer(1, 100_000, 200),
  MAX_REVIEW_CHARS: env.integer(1, 1_000_000, 5_000),
  UPLOAD_BATCH_SIZE: env.integer(1, 10_000, 256),
};
