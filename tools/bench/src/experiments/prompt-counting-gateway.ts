// An LLM gateway that counts what the analyses send instead of running a model: usage is the exact
// prompt tokens of each request, and the answer is the smallest JSON its schema accepts (no claims,
// empty summaries), so no request is retried and no follow-up step adds prompts.
import { checkAnswer, PrefixCacheEstimate, type ChatTurn, type LlmGateway, type PromptTokenizer } from "@reviewlens/analysis-core";
import type { inference } from "@reviewlens/contracts";

type Schema = Record<string, unknown>;

/** The smallest value a structured-output schema accepts: first enum value, lower bounds, required keys, fewest items. */
export function smallestInstance(schema: Schema): unknown {
  if (Array.isArray(schema["enum"])) return schema["enum"][0];
  switch (schema["type"]) {
    case "object": {
      const properties = (schema["properties"] ?? {}) as Record<string, Schema>;
      return Object.fromEntries(((schema["required"] ?? []) as string[]).map((key) => [key, smallestInstance(properties[key] ?? {})]));
    }
    case "array":
      return Array.from({ length: Number(schema["minItems"] ?? 0) }, () => smallestInstance((schema["items"] ?? {}) as Schema));
    case "string":
      return "x".repeat(Number(schema["minLength"] ?? 0));
    case "number":
    case "integer":
      return Number(schema["minimum"] ?? 0);
    case "boolean":
      return false;
    default:
      return null;
  }
}

export interface SentPrompt {
  analysisType: string;
  restaurantId: string;
  messages: ChatTurn[];
  promptTokens: number;
}

export class PromptCountingGateway implements LlmGateway {
  readonly sent: SentPrompt[] = [];
  /** What vLLM's prefix cache would serve of this gateway's prompts (cold at the start). */
  private readonly cache = new PrefixCacheEstimate();

  constructor(private readonly tokenizer: PromptTokenizer) {}

  async complete(call: inference.CompleteRequest): Promise<inference.CompleteResponse> {
    const request = call.request;
    if (request?.prompt?.$case !== "chat" || !request.jsonSchema) throw new Error("the analyses send chat prompts with a JSON schema; this request has neither");
    const messages = request.prompt.value.messages.map(({ role, content }) => ({ role, content }) as ChatTurn);
    const schema = JSON.parse(request.jsonSchema.schemaJson) as Schema;
    const text = JSON.stringify(smallestInstance(schema));
    const checked = checkAnswer(text, schema);
    if (!checked.ok) throw new Error(`no smallest answer for schema ${request.jsonSchema.name}: ${checked.error}`);
    const ids = this.tokenizer.encode(this.tokenizer.renderChat(messages, true));
    const promptTokens = ids.length;
    const cachedPromptTokens = this.cache.add(ids);
    this.sent.push({ analysisType: request.analysisType, restaurantId: request.restaurantId, messages, promptTokens });
    const outputTokens = this.tokenizer.count(text);
    return { text, finishReason: "stop", usage: { promptTokens, outputTokens, totalTokens: promptTokens + outputTokens, allReviewsPromptTokens: 0, cachedPromptTokens, allReviewsCachedPromptTokens: 0 }, timings: undefined, execution: undefined };
  }
}
