// An OpenAI-compatible HTTP endpoint (vLLM, the simulator, the gateway's facade), streamed over SSE
// with usage, as vllm bench serve's openai and openai-chat backends send it.
import { createParser } from "eventsource-parser";
import { failedOutput, type BenchRequest, type RequestOutput } from "../load/request-output.js";
import { StreamTimer, type BenchTarget } from "./bench-target.js";

export interface OpenAiTargetOptions {
  baseUrl: string;
  /** /v1/completions or /v1/chat/completions. */
  endpoint: string;
  model: string;
  ignoreEos: boolean;
  apiKey?: string | undefined;
  /** Further headers on every request (e.g. the gateway facade's x-ttft-deadline-ms, a proxy's routing). */
  headers?: Record<string, string>;
}

/** Retry-After as milliseconds: retry-after-ms when given, else Retry-After in seconds. */
function retryAfterMs(headers: Headers): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && Number.isFinite(Number(ms))) return Number(ms);
  const seconds = headers.get("retry-after");
  return seconds !== null && Number.isFinite(Number(seconds)) ? Number(seconds) * 1000 : undefined;
}

interface StreamChunk {
  choices?: Array<{ text?: string; delta?: { content?: string } }>;
  usage?: { completion_tokens?: number } | null;
  error?: { message?: string };
}

export function createOpenAiTarget(options: OpenAiTargetOptions): BenchTarget {
  const chat = options.endpoint.includes("chat");
  const url = new URL(options.endpoint, options.baseUrl).toString();
  return {
    backend: chat ? "openai-chat" : "openai",
    async send(request: BenchRequest, startTime: number, signal: AbortSignal): Promise<RequestOutput> {
      const body = {
        model: options.model,
        ...(chat ? { messages: [{ role: "user", content: request.prompt }], max_completion_tokens: request.outputLen } : { prompt: request.prompt, max_tokens: request.outputLen }),
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
        ...(options.ignoreEos ? { ignore_eos: true } : {}),
      };
      const timer = new StreamTimer();
      const sentAt = performance.now();
      let usage: number | undefined;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
            ...(request.priority ? { "x-priority": request.priority } : {}),
            ...options.headers,
          },
          body: JSON.stringify(body),
          signal,
        });
        if (!response.ok || !response.body) {
          const details = { status: `HTTP ${response.status}`, retryAfterMs: retryAfterMs(response.headers), sentAt };
          return failedOutput(request, `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`, startTime, details);
        }
        let streamError = "";
        const parser = createParser({
          onEvent(event) {
            if (event.data === "[DONE]") return;
            const chunk = JSON.parse(event.data) as StreamChunk;
            if (chunk.error) streamError = chunk.error.message ?? "error in stream";
            const choice = chunk.choices?.[0];
            timer.onText(choice?.text ?? choice?.delta?.content ?? "");
            if (chunk.usage?.completion_tokens !== undefined) usage = chunk.usage.completion_tokens;
          },
        });
        const decoder = new TextDecoder();
        for await (const bytes of response.body) parser.feed(decoder.decode(bytes as Uint8Array, { stream: true }));
        if (streamError) return failedOutput(request, streamError, startTime);
        return timer.output(request, startTime, usage);
      } catch (error) {
        return failedOutput(request, error, startTime);
      }
    },
    async close() {},
  };
}
