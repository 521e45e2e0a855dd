// The JSON of completions and chat completions, streamed and whole, as vLLM writes them. Stream
// chunks are built from per-request string templates so a token costs one JSON.stringify of its text.
import type { FinishReason } from "../engine/engine-request.js";
import type { Endpoint } from "./generation-params.js";

export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
  /** vLLM's, with prefix caching: prompt tokens served from the cache (not computed again). */
  prompt_tokens_details: { cached_tokens: number } | null;
}

export interface ResponseShape {
  /** SSE text before a chunk's JSON-encoded text. */
  readonly open: string;
  /** SSE text after the text of a chunk that is not the last. */
  readonly next: string;
  /** Sent once before the first token (the assistant role of a chat stream). */
  readonly first: string;
  last(reason: FinishReason, stopReason: string | number | null): string;
  usageChunk(usage: Usage): string;
  whole(text: string, reason: FinishReason, stopReason: string | number | null, usage: Usage): unknown;
}

export function responseShape(endpoint: Endpoint, id: string, model: string, includeUsage: boolean): ResponseShape {
  const created = Math.floor(Date.now() / 1000);
  const object = endpoint === "chat" ? "chat.completion" : "text_completion";
  const chunkObject = endpoint === "chat" ? "chat.completion.chunk" : "text_completion";
  const head = `{"id":${JSON.stringify(id)},"object":"${chunkObject}","created":${created},"model":${JSON.stringify(model)},"choices":[`;
  const usageNull = includeUsage ? `,"usage":null` : "";
  const stop = (reason: FinishReason, stopReason: string | number | null) => `"finish_reason":"${reason}","stop_reason":${JSON.stringify(stopReason)}`;
  const usageChunk = (usage: Usage) => `data: ${head}]${`,"usage":${JSON.stringify(usage)}`}}\n\n`;
  const envelope = (choice: Record<string, unknown>, usage: Usage, extra: Record<string, unknown> = {}) => ({ id, object, created, model, choices: [{ index: 0, ...choice }], usage, ...extra });
  if (endpoint === "chat") {
    return {
      open: `data: ${head}{"index":0,"delta":{"content":`,
      next: `},"logprobs":null,"finish_reason":null}]${usageNull}}\n\n`,
      first: `data: ${head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]${usageNull}}\n\n`,
      last: (reason, stopReason) => `},"logprobs":null,${stop(reason, stopReason)}}]${usageNull}}\n\n`,
      usageChunk,
      whole: (text, reason, stopReason, usage) =>
        envelope({ message: { role: "assistant", content: text, tool_calls: [] }, logprobs: null, finish_reason: reason, stop_reason: stopReason }, usage, { prompt_logprobs: null }),
    };
  }
  return {
    open: `data: ${head}{"index":0,"text":`,
    next: `,"logprobs":null,"finish_reason":null,"stop_reason":null}]${usageNull}}\n\n`,
    first: "",
    last: (reason, stopReason) => `,"logprobs":null,${stop(reason, stopReason)}}]${usageNull}}\n\n`,
    usageChunk,
    whole: (text, reason, stopReason, usage) => envelope({ text, logprobs: null, finish_reason: reason, stop_reason: stopReason, prompt_logprobs: null }, usage),
  };
}
