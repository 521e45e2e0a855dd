// The gateway's GenAI telemetry by the OpenTelemetry GenAI conventions: the client span of each
// backend generation and of each embedding call, and the model-server histograms of each request
// it serves.
import { SpanKind, SpanStatusCode, type Attributes, type Context, type Histogram, type Meter, type Span, type Tracer } from "@opentelemetry/api";
import {
  genAiConventions,
  OPERATION_DURATION_BUCKETS,
  providerAttributes,
  serverAttributes,
  Status,
  statusOf,
  TIME_PER_OUTPUT_TOKEN_BUCKETS,
  TIME_TO_FIRST_TOKEN_BUCKETS,
  type GenAiConventions,
} from "@reviewlens/runtime";
import { GenerationSpan } from "./generation-span.js";
import type { LlmRequest } from "./llm-request.js";
import type { RequestTimings } from "./request-timings.js";

/** The backends speak vLLM's OpenAI-compatible API; not a well-known value of the conventions, so a custom one. */
export const GATEWAY_GEN_AI_PROVIDER = "vllm";

const operationOf = (request: LlmRequest) => (request.prompt.kind === "chat" ? "chat" : "text_completion");

/** What every GenAI signal of a request carries: operation, provider, and the model when the caller named one. */
function requestAttributes(request: LlmRequest, conventions: GenAiConventions): Attributes {
  return {
    "gen_ai.operation.name": operationOf(request),
    ...providerAttributes(GATEWAY_GEN_AI_PROVIDER, conventions),
    ...(request.model ? { "gen_ai.request.model": request.model } : {}),
  };
}

/** One caller's embedding call, once answered (its texts may have gone to the backend with others'). */
export interface EmbeddingsEnd {
  /** The backend that computed it. */
  backendUrl: string;
  responseModel: string;
  /** The caller's share of the backend's prompt tokens. */
  inputTokens: number;
  dimensions: number;
  /** Texts in the backend call its texts went in. */
  batchedWith: number;
}

/** `error.type`: the gRPC status name, `cancelled`, or `_OTHER`. */
function errorType(error: unknown, cancelled: boolean): string {
  if (cancelled) return "cancelled";
  const status = statusOf(error)?.status;
  return status !== undefined ? (Status[status] ?? String(status)) : "_OTHER";
}


export class GenAiTelemetry {
  private readonly ttft: Histogram;
  private readonly tpot: Histogram;
  private readonly duration: Histogram;

  constructor(
    meter: Meter,
    private readonly tracer: Tracer,
    private readonly conventions: GenAiConventions = genAiConventions(),
  ) {
    this.ttft = meter.createHistogram("gen_ai.server.time_to_first_token", {
      description: "Time to generate first token for successful responses (arrival at the gateway to first token).",
      unit: "s",
      advice: { explicitBucketBoundaries: TIME_TO_FIRST_TOKEN_BUCKETS },
    });
    this.tpot = meter.createHistogram("gen_ai.server.time_per_output_token", {
      description: "Time per output token generated after the first token for successful responses.",
      unit: "s",
      advice: { explicitBucketBoundaries: TIME_PER_OUTPUT_TOKEN_BUCKETS },
    });
    this.duration = meter.createHistogram("gen_ai.server.request.duration", {
      description: "Generative AI server request duration such as time-to-last byte or last output token.",
      unit: "s",
      advice: { explicitBucketBoundaries: OPERATION_DURATION_BUCKETS },
    });
  }

  /** The client span of one generation on `backendUrl`; `extra` adds the gateway's own attributes. */
  startGeneration(request: LlmRequest, backendUrl: string, extra: Attributes, parent: Context): GenerationSpan {
    const span = this.tracer.startSpan(
      request.model ? `${operationOf(request)} ${request.model}` : operationOf(request),
      {
        kind: SpanKind.CLIENT,
        attributes: {
          ...requestAttributes(request, this.conventions),
          "gen_ai.request.max_tokens": request.sampling.maxTokens,
          ...(request.sampling.temperature !== undefined ? { "gen_ai.request.temperature": request.sampling.temperature } : {}),
          ...(request.sampling.topP !== undefined ? { "gen_ai.request.top_p": request.sampling.topP } : {}),
          ...(request.sampling.seed !== undefined ? { "gen_ai.request.seed": request.sampling.seed } : {}),
          ...(request.sampling.stop.length > 0 ? { "gen_ai.request.stop_sequences": request.sampling.stop } : {}),
          ...(request.jsonSchema ? { "gen_ai.output.type": "json" } : {}),
          ...serverAttributes(backendUrl),
          ...extra,
        },
      },
      parent,
    );
    return new GenerationSpan(span, parent);
  }

  /** A request the gateway answered: the three server histograms. */
  completed(request: LlmRequest, timings: RequestTimings): void {
    const attributes = requestAttributes(request, this.conventions);
    this.ttft.record(timings.ttftMs / 1_000, attributes);
    if (timings.tpotMs > 0) this.tpot.record(timings.tpotMs / 1_000, attributes);
    this.duration.record(timings.e2eMs / 1_000, attributes);
  }

  /** A request that ended in an error: its duration with `error.type` (the caller's gRPC status name, `cancelled`, or `_OTHER`). */
  failed(request: LlmRequest, durationMs: number, error: unknown, cancelled: boolean): void {
    this.duration.record(durationMs / 1_000, { ...requestAttributes(request, this.conventions), "error.type": errorType(error, cancelled) });
  }

  /**
   * The CLIENT span of one caller's embedding call (`embeddings` and the model when the caller
   * named one), from its arrival to its vectors: the micro-batch wait and the backend call.
   */
  startEmbeddings(model: string, texts: number, parent: Context): Span {
    return this.tracer.startSpan(
      model ? `embeddings ${model}` : "embeddings",
      {
        kind: SpanKind.CLIENT,
        attributes: {
          ...this.embeddingAttributes(model),
          // The gateway always asks its backend for floats (it encodes base64 itself for the facade).
          "gen_ai.request.encoding_formats": ["float"],
          "reviewlens.gateway.embedding_inputs": texts,
        },
      },
      parent,
    );
  }

  /** The backend, usage and dimension on the span, then it ends; the call's duration in `gen_ai.server.request.duration`. */
  embedded(span: Span, model: string, durationMs: number, end: EmbeddingsEnd): void {
    span.setAttributes({
      ...serverAttributes(end.backendUrl),
      "gen_ai.response.model": end.responseModel,
      "gen_ai.usage.input_tokens": end.inputTokens,
      "gen_ai.embeddings.dimension.count": end.dimensions,
      "reviewlens.gateway.batched_with": end.batchedWith,
    });
    span.end();
    this.duration.record(durationMs / 1_000, this.embeddingAttributes(model));
  }

  embeddingsFailed(span: Span, model: string, durationMs: number, error: unknown, cancelled: boolean): void {
    const type = errorType(error, cancelled);
    span.setAttribute("error.type", type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: cancelled ? "cancelled" : String(error) });
    span.end();
    this.duration.record(durationMs / 1_000, { ...this.embeddingAttributes(model), "error.type": type });
  }

  private embeddingAttributes(model: string): Attributes {
    return { "gen_ai.operation.name": "embeddings", ...providerAttributes(GATEWAY_GEN_AI_PROVIDER, this.conventions), ...(model ? { "gen_ai.request.model": model } : {}) };
  }
}
