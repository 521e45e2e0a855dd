/** Turns texts into fixed-dimension vectors; implementations: the hashing embedder, the gateway's Embed. */
export interface Embedder {
  readonly dimension: number;
  /** One vector per text, in input order. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}
