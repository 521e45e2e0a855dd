// Query expansion through the gateway's Complete with a JSON schema (structured output).
import { common, type inference } from "@reviewlens/contracts";
import { parseQueryExpansion, queryExpansionPrompt } from "../domain/query-expansion.js";

/** The part of the gateway client this adapter uses. */
export interface GatewayCompleteClient {
  complete(request: inference.CompleteRequest, options?: { signal?: AbortSignal }): Promise<inference.CompleteResponse>;
}

export type QueryExpander = (query: string, count: number, signal?: AbortSignal) => Promise<string[]>;

export function createGatewayQueryExpander(client: GatewayCompleteClient): QueryExpander {
  return async (query, count, signal) => {
    const prompt = queryExpansionPrompt(query, count);
    const response = await client.complete(
      {
        request: {
          prompt: { $case: "chat", value: { messages: prompt.messages } },
          model: "",
          sampling: { maxTokens: prompt.maxTokens, temperature: 0.3, stop: [], minTokens: 0, ignoreEos: false },
          jsonSchema: { name: prompt.schemaName, schemaJson: JSON.stringify(prompt.schema), strict: true },
          priority: common.Priority.PRIORITY_INTERACTIVE,
          ttftDeadlineMs: 0,
          idempotencyKey: "",
          restaurantId: "",
          analysisType: "query_expansion",
        },
      },
      signal ? { signal } : {},
    );
    return parseQueryExpansion(response.text, query, count);
  };
}
