/** Turns texts into vectors, one per text, in input order (clustering claims needs no more). */
export interface TextEmbedder {
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/** A TextEmbedder of fixed dimension, for the vector index; implementations: the hashing embedder, the gateway's Embed. */
export interface Embedder extends TextEmbedder {
  readonly dimension: number;
}
