// vLLM's /tokenize and /detokenize: the same counts the engine uses for usage and context checks.
import type { Qwen25Tokenizer } from "@reviewlens/tokenizer";
import { badField } from "./api-error.js";
import { parseGenerationParams } from "./generation-params.js";

export function tokenize(body: Record<string, unknown>, tokenizer: Qwen25Tokenizer, servedModelName: string, maxModelLen: number) {
  let tokens: number[];
  if (body["messages"] !== undefined) {
    tokens = parseGenerationParams("chat", { messages: body["messages"], add_generation_prompt: body["add_generation_prompt"] ?? true, model: body["model"] }, {
      tokenizer,
      servedModelName,
      priorityScheduling: true,
    }).promptIds;
  } else if (typeof body["prompt"] === "string") {
    tokens = tokenizer.encode(body["prompt"]);
  } else {
    throw badField("prompt", "must be a string (or send messages)");
  }
  return { count: tokens.length, max_model_len: maxModelLen, tokens, token_strs: null };
}

export function detokenize(body: Record<string, unknown>, tokenizer: Qwen25Tokenizer) {
  const tokens = body["tokens"];
  if (!Array.isArray(tokens) || !tokens.every((t) => Number.isInteger(t) && t >= 0 && t < tokenizer.vocabSize)) {
    throw badField("tokens", `must be a list of token ids from 0 to ${tokenizer.vocabSize - 1}`);
  }
  return { prompt: tokenizer.decode(tokens as number[]) };
}
