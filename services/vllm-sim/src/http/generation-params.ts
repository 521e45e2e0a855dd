// Validates /v1/completions and /v1/chat/completions bodies into one shape; a bad field is a 400
// naming it, and nothing reaches the engine.
import type { ChatMessage, Qwen25Tokenizer } from "@reviewlens/tokenizer";
import { ApiError, badField } from "./api-error.js";

export type Endpoint = "completion" | "chat";

export interface GenerationParams {
  endpoint: Endpoint;
  promptIds: number[];
  /** The prompt as text (`echo` prepends it to a completion); null for token-id prompts (decoded only when needed). */
  promptText: string | null;
  /** What the echo output mode repeats: the prompt, or the last user message of a chat (tokenised when asked). */
  echoIds(): number[];
  /** What the grounded output mode answers from: every user message of a chat, or the prompt text (null for token ids). */
  userText: string | null;
  maxTokens: number | undefined;
  minTokens: number;
  ignoreEos: boolean;
  stop: string[];
  stopTokenIds: number[];
  includeStopStrInOutput: boolean;
  temperature: number;
  seed: number | undefined;
  priority: number;
  stream: boolean;
  includeUsage: boolean;
  echo: boolean;
  jsonSchema: Record<string, unknown> | undefined;
}

export interface ParamContext {
  tokenizer: Qwen25Tokenizer;
  servedModelName: string;
  priorityScheduling: boolean;
}

type Body = Record<string, unknown>;

function optionalInteger(body: Body, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw badField(name, `must be an integer from ${min} to ${max}`);
  return v as number;
}

function optionalBoolean(body: Body, name: string): boolean | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw badField(name, "must be true or false");
  return v;
}

function optionalNumber(body: Body, name: string, min: number, max: number): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) throw badField(name, `must be a number from ${min} to ${max}`);
  return v;
}

function stopStrings(body: Body): string[] {
  const v = body["stop"];
  if (v === undefined || v === null) return [];
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list) || !list.every((s) => typeof s === "string" && s.length > 0)) throw badField("stop", "must be a non-empty string or a list of them");
  return list as string[];
}

function integerList(body: Body, name: string, vocabSize: number): number[] {
  const v = body[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((t) => Number.isInteger(t) && t >= 0 && t < vocabSize)) throw badField(name, `must be a list of token ids from 0 to ${vocabSize - 1}`);
  return v as number[];
}

function jsonSchemaOf(body: Body): Record<string, unknown> | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const guided = body["guided_json"];
  if (guided !== undefined && guided !== null) {
    const schema = typeof guided === "string" ? safeParse(guided) : guided;
    if (!isObject(schema)) throw badField("guided_json", "must be a JSON schema object (or its JSON text)");
    return schema;
  }
  const format = body["response_format"];
  if (format === undefined || format === null) return undefined;
  if (!isObject(format)) throw badField("response_format", "must be an object");
  switch (format["type"]) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "object" };
    case "json_schema": {
      const spec = format["json_schema"];
      const schema = isObject(spec) ? spec["schema"] : undefined;
      if (!isObject(schema)) throw badField("response_format.json_schema.schema", "must be a JSON schema object");
      return schema;
    }
    default:
      throw badField("response_format.type", "must be text, json_object or json_schema");
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageText(message: unknown, index: number): ChatMessage {
  const field = `messages[${index}]`;
  if (typeof message !== "object" || message === null) throw badField(field, "must be an object with role and content");
  const m = message as Record<string, unknown>;
  if (typeof m["role"] !== "string" || m["role"] === "") throw badField(`${field}.role`, "must be a non-empty string");
  const content = m["content"];
  if (content === undefined || content === null) return { role: m["role"], content: "" };
  if (typeof content === "string") return { role: m["role"], content };
  if (!Array.isArray(content)) throw badField(`${field}.content`, "must be a string or a list of text parts");
  const texts = content.map((part, k) => {
    const p = part as Record<string, unknown> | null;
    if (p?.["type"] !== "text" || typeof p["text"] !== "string") throw badField(`${field}.content[${k}]`, "only text parts are supported by this text-only model");
    return p["text"];
  });
  return { role: m["role"], content: texts.join("\n") };
}

function completionPrompt(body: Body, tokenizer: Qwen25Tokenizer): { ids: number[]; text: string | null } {
  let prompt = body["prompt"];
  if (Array.isArray(prompt) && prompt.length === 1 && (typeof prompt[0] === "string" || Array.isArray(prompt[0]))) prompt = prompt[0];
  if (typeof prompt === "string") {
    if (prompt.length === 0) throw badField("prompt", "must not be empty");
    return { ids: tokenizer.encode(prompt), text: prompt };
  }
  if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((t) => Number.isInteger(t))) {
    const ids = prompt as number[];
    if (!ids.every((t) => t >= 0 && t < tokenizer.vocabSize)) throw badField("prompt", `token ids must be from 0 to ${tokenizer.vocabSize - 1}`);
    return { ids, text: null };
  }
  if (Array.isArray(prompt) && prompt.length > 1) throw badField("prompt", "one prompt per request (send a list of prompts as separate requests)");
  throw badField("prompt", "must be a string or a list of token ids");
}

export function parseGenerationParams(endpoint: Endpoint, body: Body, ctx: ParamContext): GenerationParams {
  const { tokenizer } = ctx;
  const model = body["model"];
  if (model !== undefined && model !== null && model !== ctx.servedModelName) {
    throw new ApiError(404, `The model \`${typeof model === "string" ? model : JSON.stringify(model)}\` does not exist.`, "model");
  }
  const n = optionalInteger(body, "n", 1);
  if (n !== undefined && n !== 1) throw badField("n", "the simulator generates one choice per request; send n=1");
  if (body["logprobs"] !== undefined && body["logprobs"] !== null && body["logprobs"] !== false) throw badField("logprobs", "is not supported by the simulator");
  const stream = optionalBoolean(body, "stream") ?? false;
  const streamOptions = body["stream_options"];
  let includeUsage = false;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!stream) throw badField("stream_options", "can only be set when stream is true");
    if (typeof streamOptions !== "object") throw badField("stream_options", "must be an object");
    includeUsage = optionalBoolean(streamOptions as Body, "include_usage") ?? false;
  }
  const priority = optionalInteger(body, "priority", Number.MIN_SAFE_INTEGER) ?? 0;
  if (priority !== 0 && !ctx.priorityScheduling) throw badField("priority", `is ${priority} but priority scheduling is not enabled (--scheduling-policy priority)`);
  optionalNumber(body, "top_p", 0, 1);
  optionalInteger(body, "top_k", -1);
  const maxTokens = endpoint === "chat" ? (optionalInteger(body, "max_completion_tokens", 1) ?? optionalInteger(body, "max_tokens", 1)) : optionalInteger(body, "max_tokens", 1);
  const minTokens = optionalInteger(body, "min_tokens", 0) ?? 0;
  if (maxTokens !== undefined && minTokens > maxTokens) throw badField("min_tokens", `must not exceed max_tokens (${maxTokens})`);

  let promptIds: number[];
  let promptText: string | null;
  let echoIds: () => number[];
  let userText: string | null;
  if (endpoint === "chat") {
    const messages = body["messages"];
    if (!Array.isArray(messages) || messages.length === 0) throw badField("messages", "must be a non-empty list");
    const chat = messages.map(messageText);
    promptText = tokenizer.renderChat(chat, optionalBoolean(body, "add_generation_prompt") ?? true);
    promptIds = tokenizer.encode(promptText);
    const lastUser = [...chat].reverse().find((m) => m.role === "user");
    echoIds = () => tokenizer.encode(lastUser?.content ?? "");
    userText = chat.filter((m) => m.role === "user").map((m) => m.content).join("\n");
  } else {
    ({ ids: promptIds, text: promptText } = completionPrompt(body, tokenizer));
    const ids = promptIds;
    echoIds = () => ids;
    userText = promptText;
  }
  return {
    endpoint,
    promptIds,
    promptText,
    echoIds,
    userText,
    maxTokens,
    minTokens,
    ignoreEos: optionalBoolean(body, "ignore_eos") ?? false,
    stop: stopStrings(body),
    stopTokenIds: integerList(body, "stop_token_ids", tokenizer.vocabSize),
    includeStopStrInOutput: optionalBoolean(body, "include_stop_str_in_output") ?? false,
    temperature: optionalNumber(body, "temperature", 0, 100) ?? 1,
    seed: optionalInteger(body, "seed", Number.MIN_SAFE_INTEGER),
    priority,
    stream,
    includeUsage,
    echo: endpoint === "completion" && (optionalBoolean(body, "echo") ?? false),
    jsonSchema: jsonSchemaOf(body),
  };
}
