export type { Embedder, TextEmbedder } from "./embedder.js";
export { createGatewayEmbedder, type GatewayEmbedClient } from "./gateway-embedder.js";
export { createHashingEmbedder, normalizeForEmbedding } from "./hashing-embedder.js";
export type { HashingEmbedder, HashingEmbedderOptions } from "./hashing-embedder.js";
