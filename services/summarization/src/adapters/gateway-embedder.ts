// Claim embeddings through the inference gateway's Embed (micro-batched there with other callers).
import { common, type inference } from "@reviewlens/contracts";
import type { TextEmbedder } from "../strengths/step-c-cluster-claims.js";

export interface EmbedClient {
  embed(request: inference.EmbedRequest, options?: { signal?: AbortSignal }): Promise<inference.EmbedResponse>;
}

export function createGatewayEmbedder(client: EmbedClient): TextEmbedder {
  return {
    async embed(texts, signal) {
      const response = await client.embed({ texts, model: "", priority: common.Priority.PRIORITY_STANDARD }, { signal });
      return response.embeddings.map((e) => e.values);
    },
  };
}
