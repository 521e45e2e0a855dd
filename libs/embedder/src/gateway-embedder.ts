// Embeddings from the inference gateway's Embed (the gateway micro-batches concurrent calls): the
// one client of it, for vector-search's index and summarization's claim clustering.
import { common, type inference } from "@reviewlens/contracts";
import { MisconfiguredError } from "@reviewlens/runtime";
import type { Embedder, TextEmbedder } from "./embedder.js";

/** The part of the gateway client this adapter uses. */
export interface GatewayEmbedClient {
  embed(request: inference.EmbedRequest, options?: { signal?: AbortSignal }): Promise<inference.EmbedResponse>;
}

const TEXTS_PER_CALL = 64;

/**
 * In calls of at most 64 texts, vectors in input order. With `dimension` (the index's
 * VECTOR_SEARCH_EMBEDDING_DIMENSION) a vector of another length fails as misconfigured (FAILED_PRECONDITION); without it, for
 * callers that only compare vectors with each other, any length is taken.
 */
export function createGatewayEmbedder(client: GatewayEmbedClient, dimension: number): Embedder;
export function createGatewayEmbedder(client: GatewayEmbedClient): TextEmbedder;
export function createGatewayEmbedder(client: GatewayEmbedClient, dimension?: number): Embedder | TextEmbedder {
  const embed = async (texts: string[], signal?: AbortSignal) => {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += TEXTS_PER_CALL) {
      const response = await client.embed(
        { texts: texts.slice(i, i + TEXTS_PER_CALL), model: "", priority: common.Priority.PRIORITY_STANDARD },
        signal ? { signal } : {},
      );
      for (const embedding of response.embeddings) {
        if (dimension !== undefined && embedding.values.length !== dimension) {
          throw new MisconfiguredError(
            `the gateway's embedding model returns ${embedding.values.length}-dimensional vectors but VECTOR_SEARCH_EMBEDDING_DIMENSION is ${dimension}`,
          );
        }
        out.push(embedding.values);
      }
    }
    return out;
  };
  return dimension === undefined ? { embed } : { dimension, embed };
}
