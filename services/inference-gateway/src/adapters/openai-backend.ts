// One OpenAI-compatible backend (vLLM, vllm-sim) reached with the official `openai` client:
// streaming completions and chat with usage, structured output, embeddings, served models.
import OpenAI, { APIConnectionError, APIError } from "openai";
import type { JsonSchemaFormat, Prompt, Sampling, TokenCounts } from "../llm-request.js";

export interface BackendGeneration {
  prompt: Prompt;
  model: string;
  sampling: Sampling;
  jsonSchema?: JsonSchemaFormat | undefined;
  /** Extra request headers (W3C traceparent). */
  headers: Record<string, string>;
}

export type BackendChunk = { type: "text"; text: string } | { type: "end"; finishReason: string; usage: TokenCounts };

/** A backend failure, classified for retries and status mapping. */
export class BackendError extends Error {
  constructor(
    message: string,
    /** connection: unreachable or reset; overloaded: 429/503; rejected: 4xx (the request is at fault); failed: other 5xx. */
    readonly kind: "connection" | "overloaded" | "rejected" | "failed",
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = "BackendError";
  }
}

export class OpenAiBackend {
  private readonly client: OpenAI;
  private servedModel: string | undefined;

  constructor(
    readonly url: string,
    apiKey: string,
  ) {
    // Retries and timeouts are the gateway's business (queue, deadlines), not the client's.
    this.client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 24 * 3_600_000 });
  }

  async *generate(request: BackendGeneration, signal: AbortSignal): AsyncGenerator<BackendChunk> {
    const model = request.model || (await this.model(signal));
    const s = request.sampling;
    const common = {
      model,
      max_tokens: s.maxTokens,
      temperature: s.temperature,
      top_p: s.topP,
      seed: s.seed,
      stop: s.stop.length > 0 ? s.stop : undefined,
      stream: true as const,
      stream_options: { include_usage: true },
      // vLLM's extra sampling parameters travel in the body as they are.
      ...(s.minTokens ? { min_tokens: s.minTokens } : {}),
      ...(s.ignoreEos ? { ignore_eos: true } : {}),
    };
    const options = { signal, headers: request.headers };
    let finishReason = "stop";
    let usage: TokenCounts | undefined;
    try {
      if (request.prompt.kind === "chat") {
        const stream = await this.client.chat.completions.create(
          {
            ...common,
            messages: request.prompt.messages as OpenAI.Chat.ChatCompletionMessageParam[],
            ...(request.jsonSchema
              ? { response_format: { type: "json_schema", json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: request.jsonSchema.strict } } }
              : {}),
          },
          options,
        );
        for await (const chunk of stream) {
          const choice = chunk.choices[0];
          if (choice?.delta.content) yield { type: "text", text: choice.delta.content };
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
        }
      } else {
        const body = {
          ...common,
          prompt: request.prompt.text,
          // vLLM accepts structured output on completions through its own response_format extension.
          ...(request.jsonSchema ? { response_format: { type: "json_schema", json_schema: { name: request.jsonSchema.name, schema: request.jsonSchema.schema, strict: request.jsonSchema.strict } } } : {}),
        };
        const stream = await this.client.completions.create(body as OpenAI.CompletionCreateParamsStreaming, options);
        for await (const chunk of stream) {
          const choice = chunk.choices[0];
          if (choice?.text) yield { type: "text", text: choice.text };
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
        }
      }
    } catch (error) {
      throw classify(error, signal);
    }
    if (!usage) throw new BackendError(`${this.url} ended the stream without usage`, "failed");
    yield { type: "end", finishReason, usage };
  }

  async embed(texts: string[], model: string, signal: AbortSignal): Promise<{ vectors: number[][]; promptTokens: number }> {
    try {
      const response = await this.client.embeddings.create(
        { model: model || (await this.model(signal)), input: texts, encoding_format: "float" },
        { signal },
      );
      const vectors = new Array<number[]>(texts.length);
      for (const item of response.data) vectors[item.index] = item.embedding;
      return { vectors, promptTokens: response.usage?.prompt_tokens ?? 0 };
    } catch (error) {
      throw classify(error, signal);
    }
  }

  async models(signal: AbortSignal): Promise<Array<{ id: string; maxModelLen?: number }>> {
    try {
      const page = await this.client.models.list({ signal });
      return page.data.map((m) => ({ id: m.id, maxModelLen: (m as { max_model_len?: number }).max_model_len }));
    } catch (error) {
      throw classify(error, signal);
    }
  }

  /** The backend's served model (the first listed), remembered once known. */
  async model(signal: AbortSignal): Promise<string> {
    if (this.servedModel) return this.servedModel;
    const first = (await this.models(signal))[0];
    if (!first) throw new BackendError(`${this.url} serves no model`, "failed");
    return (this.servedModel = first.id);
  }
}

function classify(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof BackendError) return error;
  if (error instanceof APIConnectionError) return new BackendError(`backend unreachable: ${error.message}`, "connection");
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    const kind = status === 429 || status === 503 ? "overloaded" : status >= 400 && status < 500 ? "rejected" : "failed";
    return new BackendError(`backend answered ${status}: ${error.message}`, kind, status);
  }
  // A stream cut mid-way (replica killed) surfaces as a plain network error.
  return new BackendError(`backend stream failed: ${error instanceof Error ? error.message : String(error)}`, "connection");
}
