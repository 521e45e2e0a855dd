// Embeddings from the inference gateway's Embed (the gateway micro-batches concurrent calls).
import type { Embedder } from "@reviewlens/embedder";
import { common, type inference } from "@reviewlens/contracts";
import { MisconfiguredError } from "@reviewlens/runtime";

/** The part of the gateway client this adapter uses. */
export interface GatewayEmbedClient {
  embed(request: inference.EmbedRequest, options?: { signal?: AbortSignal }): Promise<inference.EmbedResponse>;
}

const TEXTS_PER_CALL = 64;

export function createGatewayEmbedder(client: GatewayEmbedClient, dimension: number): Embedder {
  return {
    dimension,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += TEXTS_PER_CALL) {
        const response = await client.embed(
          { texts: texts.slice(i, i + TEXTS_PER_CALL), model: "", priority: common.Priority.PRIORITY_STANDARD },
          signal ? { signal } : {},
        );
        for (const embedding of response.embeddings) {
          if (embedding.values.length !== dimension) {
            throw new MisconfiguredError(
              `the gateway's embedding model returns ${embedding.values.length}-dimensional vectors but EMBEDDING_DIMENSION is ${dimension}`,
            );
          }
          out.push(embedding.values);
        }
      }
      return out;
    },
  };
}
