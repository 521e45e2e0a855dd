// Every request field the OpenAI facade knows, per endpoint (docs/components/inference-gateway.md's field table lists the
// same). A field outside these, or a known field with a value the gateway cannot honour, is a 400
// naming it: a client never gets an answer that silently ignored part of its request.
import { isDeepStrictEqual } from "node:util";
import { InvalidArgumentError } from "@reviewlens/runtime";

/**
 * Carried to the backend; the gateway's own (handled in the gateway); `user`, a free-text end-user
 * id that changes no answer (vLLM ignores it as well); or accepted only at its default value.
 */
type FieldRule = "carried" | "gateway" | "user" | { defaults: unknown[]; why: string };

const onlyDefault = (why: string, ...defaults: unknown[]): FieldRule => ({ defaults: [null, ...defaults], why });

const GENERATION: Record<string, FieldRule> = {
  model: "carried",
  max_tokens: "carried",
  temperature: "carried",
  top_p: "carried",
  seed: "carried",
  stop: "carried",
  stream: "carried",
  stream_options: "carried",
  response_format: "carried",
  min_tokens: "carried",
  ignore_eos: "carried",
  priority: "gateway",
  ttft_deadline_ms: "gateway",
  restaurant_id: "gateway",
  analysis_type: "gateway",
  user: "user",
  n: onlyDefault("the gateway generates one choice per request", 1),
  frequency_penalty: onlyDefault("penalties are not carried to the backend", 0),
  presence_penalty: onlyDefault("penalties are not carried to the backend", 0),
  logit_bias: onlyDefault("logit biases are not carried to the backend", {}),
};

export const FACADE_FIELDS: Record<"chat" | "completion" | "embeddings", Record<string, FieldRule>> = {
  chat: {
    ...GENERATION,
    messages: "carried",
    max_completion_tokens: "carried",
    logprobs: onlyDefault("logprobs are not carried back from the backend", false),
    top_logprobs: onlyDefault("logprobs are not carried back from the backend", 0),
    tools: onlyDefault("tool calling is not supported by the gateway", []),
    tool_choice: onlyDefault("tool calling is not supported by the gateway", "none"),
    parallel_tool_calls: onlyDefault("tool calling is not supported by the gateway", true, false),
  },
  completion: {
    ...GENERATION,
    prompt: "carried",
    logprobs: onlyDefault("logprobs are not carried back from the backend"),
    echo: onlyDefault("echo is not supported by the gateway", false),
    best_of: onlyDefault("the gateway generates one choice per request", 1),
    suffix: onlyDefault("suffixes are not supported by the gateway", ""),
  },
  embeddings: {
    model: "carried",
    input: "carried",
    encoding_format: "gateway",
    dimensions: "carried",
    user: "user",
  },
};

const STREAM_OPTIONS = new Set(["include_usage"]);
const MESSAGE_FIELDS = new Set(["role", "content"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Refuses the fields of `body` the endpoint does not carry, and known ones it cannot honour. */
export function checkFacadeFields(endpoint: keyof typeof FACADE_FIELDS, body: unknown): void {
  if (!isObject(body)) throw new InvalidArgumentError("body", "must be a JSON object");
  const rules = FACADE_FIELDS[endpoint];
  for (const [field, value] of Object.entries(body)) {
    const rule = rules[field];
    if (rule === undefined) throw new InvalidArgumentError(field, "is not supported by the gateway's OpenAI facade");
    if (rule === "user" && value !== null && typeof value !== "string") throw new InvalidArgumentError(field, "must be a string");
    if (typeof rule === "object" && !rule.defaults.some((d) => isDeepStrictEqual(d, value))) {
      throw new InvalidArgumentError(field, `only ${rule.defaults.map((d) => JSON.stringify(d)).join(" or ")} is accepted: ${rule.why}`);
    }
  }
  if (isObject(body["stream_options"])) {
    for (const option of Object.keys(body["stream_options"])) {
      if (!STREAM_OPTIONS.has(option)) throw new InvalidArgumentError(`stream_options.${option}`, "is not supported by the gateway's OpenAI facade");
    }
  }
  if (endpoint === "chat" && Array.isArray(body["messages"])) {
    body["messages"].forEach((message: unknown, i) => {
      if (!isObject(message)) throw new InvalidArgumentError(`messages[${i}]`, "must be an object with role and content");
      for (const key of Object.keys(message)) {
        if (!MESSAGE_FIELDS.has(key)) throw new InvalidArgumentError(`messages[${i}].${key}`, "is not supported by the gateway's OpenAI facade (role and content only)");
      }
      if (Array.isArray(message["content"])) {
        message["content"].forEach((part: unknown, k) => {
          if (!isObject(part) || part["type"] !== "text" || typeof part["text"] !== "string") {
            throw new InvalidArgumentError(`messages[${i}].content[${k}]`, "only text parts are supported by the gateway's text models");
          }
        });
      }
    });
  }
}
