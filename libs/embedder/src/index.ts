export type { Embedder } from "./embedder.js";
export { createHashingEmbedder, normalizeForEmbedding } from "./hashing-embedder.js";
export type { HashingEmbedder, HashingEmbedderOptions } from "./hashing-embedder.js";
