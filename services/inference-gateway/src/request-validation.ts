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

/** How each surface names the fields a refusal points at: proto paths, or the OpenAI API's names. */
export interface RequestFieldNames {
  model: string;
  prompt: string;
  text: string;
  messages: string;
  maxTokens: string;
  temperature: string;
  topP: string;
  seed: string;
  minTokens: string;
  stop: string;
  jsonSchema: string;
  ttftDeadline: string;
}

export const GRPC_FIELD_NAMES: RequestFieldNames = {
  model: "request.model",
  prompt: "request.prompt",
  text: "request.text",
  messages: "request.messages",
  maxTokens: "request.sampling.max_tokens",
  temperature: "request.sampling.temperature",
  topP: "request.sampling.top_p",
  seed: "request.sampling.seed",
  minTokens: "request.sampling.min_tokens",
  stop: "request.sampling.stop",
  jsonSchema: "request.json_schema.schema_json",
  ttftDeadline: "request.ttft_deadline_ms",
};

export const OPENAI_FIELD_NAMES: RequestFieldNames = {
  model: "model",
  prompt: "prompt",
  text: "prompt",
  messages: "messages",
  maxTokens: "max_tokens",
  temperature: "temperature",
  topP: "top_p",
  seed: "seed",
  minTokens: "min_tokens",
  stop: "stop",
  jsonSchema: "response_format.json_schema.schema",
  ttftDeadline: "ttft_deadline_ms",
};

/** Model names (Hugging Face IDs, served names) are short; a longer one is a mistake. */
export const MAX_MODEL_NAME_CHARS = 256;

export function checkModelName(model: string, field: string): void {
  if (model.length > MAX_MODEL_NAME_CHARS) throw new InvalidArgumentError(field, `must be at most ${MAX_MODEL_NAME_CHARS} characters, got ${model.length}`);
}

export function checkLlmRequest(request: UncheckedLlmRequest, names: RequestFieldNames, limits: RequestLimits): LlmRequest {
  checkModelName(request.model, names.model);
  const prompt = request.prompt;
  if (!prompt) throw new InvalidArgumentError(names.prompt, "set text or chat");
  if (prompt.kind === "text") {
    if (prompt.text.length === 0) throw new InvalidArgumentError(names.text, "is empty");
    if (prompt.text.length > limits.maxPromptChars) throw new InvalidArgumentError(names.text, `is longer than ${limits.maxPromptChars} characters`);
  } else {
    if (prompt.messages.length === 0) throw new InvalidArgumentError(names.messages, "needs at least one message");
    let chars = 0;
    prompt.messages.forEach((m, i) => {
      if (!ROLES.has(m.role)) throw new InvalidArgumentError(`${names.messages}[${i}].role`, `must be one of ${[...ROLES].join(", ")}`);
      if (typeof m.content !== "string") throw new InvalidArgumentError(`${names.messages}[${i}].content`, "must be a string");
      chars += m.content.length;
    });
    if (chars > limits.maxPromptChars) throw new InvalidArgumentError(names.messages, `are longer than ${limits.maxPromptChars} characters together`);
  }
  const s = request.sampling;
  if (!Number.isInteger(s.maxTokens) || s.maxTokens < 0 || s.maxTokens > limits.maxOutputTokens) {
    throw new InvalidArgumentError(names.maxTokens, `must be an integer from 0 to ${limits.maxOutputTokens}`);
  }
  if (s.temperature !== undefined && !(s.temperature >= 0 && s.temperature <= 2)) throw new InvalidArgumentError(names.temperature, "must be from 0 to 2");
  if (s.topP !== undefined && !(s.topP > 0 && s.topP <= 1)) throw new InvalidArgumentError(names.topP, "must be above 0 and at most 1");
  if (s.seed !== undefined && !(Number.isSafeInteger(s.seed) && s.seed >= 0)) throw new InvalidArgumentError(names.seed, "must be a non-negative integer");
  if (s.minTokens !== undefined && s.maxTokens > 0 && s.minTokens > s.maxTokens) throw new InvalidArgumentError(names.minTokens, "must not exceed max_tokens");
  if (s.stop.length > 8) throw new InvalidArgumentError(names.stop, "takes at most 8 sequences");
  if (request.jsonSchema && (typeof request.jsonSchema.schema !== "object" || request.jsonSchema.schema === null || Array.isArray(request.jsonSchema.schema))) {
    throw new InvalidArgumentError(names.jsonSchema, "must be a JSON object");
  }
  if (request.ttftDeadlineMs !== undefined && !(request.ttftDeadlineMs > 0)) throw new InvalidArgumentError(names.ttftDeadline, "must be positive");
  return { ...request, promptField: prompt.kind === "text" ? names.text : names.messages } as LlmRequest;
}

export function checkEmbedInput(texts: unknown, field: string, limits: RequestLimits): asserts texts is string[] {
  if (!Array.isArray(texts) || texts.length === 0) throw new InvalidArgumentError(field, "needs at least one text");
  if (texts.length > limits.maxEmbedTexts) throw new InvalidArgumentError(field, `takes at most ${limits.maxEmbedTexts} texts`);
  texts.forEach((t, i) => {
    if (typeof t !== "string" || t.length === 0) throw new InvalidArgumentError(`${field}[${i}]`, "must be a non-empty string");
    if (t.length > limits.maxPromptChars) throw new InvalidArgumentError(`${field}[${i}]`, `is longer than ${limits.maxPromptChars} characters`);
  });
}
