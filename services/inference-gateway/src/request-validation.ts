// Checks a request before it reaches the queue: a clear INVALID_ARGUMENT naming the field, never a
// backend error later. Shared by the gRPC handlers and the HTTP facade (field prefixes differ).
import { InvalidArgumentError } from "@reviewlens/runtime";
import type { LlmRequest, Prompt } from "./llm-request.js";

export interface RequestLimits {
  maxPromptChars: number;
  maxOutputTokens: number;
  maxEmbedTexts: number;
}

const ROLES = new Set(["system", "user", "assistant", "tool", "developer"]);

export type UncheckedLlmRequest = Omit<LlmRequest, "prompt"> & { prompt: Prompt | undefined };

/** `prefix` qualifies field names (gRPC: "request."); `textField` names the text prompt's field. */
export function checkLlmRequest(request: UncheckedLlmRequest, prefix: string, limits: RequestLimits, textField = "text"): LlmRequest {
  const field = (name: string) => `${prefix}${name}`;
  const prompt = request.prompt;
  if (!prompt) throw new InvalidArgumentError(field("prompt"), "set text or chat");
  if (prompt.kind === "text") {
    if (prompt.text.length === 0) throw new InvalidArgumentError(field(textField), "is empty");
    if (prompt.text.length > limits.maxPromptChars) throw new InvalidArgumentError(field(textField), `is longer than ${limits.maxPromptChars} characters`);
  } else {
    if (prompt.messages.length === 0) throw new InvalidArgumentError(field("messages"), "needs at least one message");
    let chars = 0;
    prompt.messages.forEach((m, i) => {
      if (!ROLES.has(m.role)) throw new InvalidArgumentError(field(`messages[${i}].role`), `must be one of ${[...ROLES].join(", ")}`);
      if (typeof m.content !== "string") throw new InvalidArgumentError(field(`messages[${i}].content`), "must be a string");
      chars += m.content.length;
    });
    if (chars > limits.maxPromptChars) throw new InvalidArgumentError(field("messages"), `are longer than ${limits.maxPromptChars} characters together`);
  }
  const s = request.sampling;
  if (!Number.isInteger(s.maxTokens) || s.maxTokens < 0 || s.maxTokens > limits.maxOutputTokens) {
    throw new InvalidArgumentError(field("sampling.max_tokens"), `must be an integer from 0 to ${limits.maxOutputTokens}`);
  }
  if (s.temperature !== undefined && !(s.temperature >= 0 && s.temperature <= 2)) throw new InvalidArgumentError(field("sampling.temperature"), "must be from 0 to 2");
  if (s.topP !== undefined && !(s.topP > 0 && s.topP <= 1)) throw new InvalidArgumentError(field("sampling.top_p"), "must be above 0 and at most 1");
  if (s.seed !== undefined && !(Number.isSafeInteger(s.seed) && s.seed >= 0)) throw new InvalidArgumentError(field("sampling.seed"), "must be a non-negative integer");
  if (s.minTokens !== undefined && s.maxTokens > 0 && s.minTokens > s.maxTokens) throw new InvalidArgumentError(field("sampling.min_tokens"), "must not exceed max_tokens");
  if (s.stop.length > 8) throw new InvalidArgumentError(field("sampling.stop"), "takes at most 8 sequences");
  if (request.jsonSchema && (typeof request.jsonSchema.schema !== "object" || request.jsonSchema.schema === null || Array.isArray(request.jsonSchema.schema))) {
    throw new InvalidArgumentError(field("json_schema.schema_json"), "must be a JSON object");
  }
  if (request.ttftDeadlineMs !== undefined && !(request.ttftDeadlineMs > 0)) throw new InvalidArgumentError(field("ttft_deadline_ms"), "must be positive");
  return request as LlmRequest;
}

export function checkEmbedInput(texts: unknown, field: string, limits: RequestLimits): asserts texts is string[] {
  if (!Array.isArray(texts) || texts.length === 0) throw new InvalidArgumentError(field, "needs at least one text");
  if (texts.length > limits.maxEmbedTexts) throw new InvalidArgumentError(field, `takes at most ${limits.maxEmbedTexts} texts`);
  texts.forEach((t, i) => {
    if (typeof t !== "string" || t.length === 0) throw new InvalidArgumentError(`${field}[${i}]`, "must be a non-empty string");
    if (t.length > limits.maxPromptChars) throw new InvalidArgumentError(`${field}[${i}]`, `is longer than ${limits.maxPromptChars} characters`);
  });
}
