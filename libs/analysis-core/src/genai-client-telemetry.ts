// The analysis services' calls to the gateway as GenAI client operations (OpenTelemetry GenAI
// conventions): a `gen_ai.client` span around each Complete call (its gRPC client span is a child),
// and the client's operation-duration and token-usage histograms.
import { SpanKind, SpanStatusCode, trace, type Attributes, type Meter } from "@opentelemetry/api";
import type { inference } from "@reviewlens/contracts";
import {
  genAiConventions,
  OPERATION_DURATION_BUCKETS,
  providerAttributes,
  serverAttributes,
  TOKEN_USAGE_BUCKETS,
  type GenAiConventions,
} from "@reviewlens/runtime";
import { ClientError, Status } from "nice-grpc-common";
import type { LlmGateway } from "./llm-gateway.js";

/** What the analyses call: Reviewlens' inference gateway (it relays to vLLM; the conventions name the API the client speaks). */
export const ANALYSIS_GEN_AI_PROVIDER = "reviewlens.inference_gateway";

const tracer = trace.getTracer("reviewlens.analysis.gen_ai");

function errorType(error: unknown): string {
  if (error instanceof ClientError) return Status[error.code] ?? String(error.code);
  return error instanceof Error && error.name === "AbortError" ? "cancelled" : "_OTHER";
}

/**
 * `client` with its `complete` traced and measured; every other method is the client's own.
 * `gatewayAddress` (host:port or dns:///host:port) gives server.address and server.port.
 */
export function withGenAiClientTelemetry<C extends LlmGateway>(client: C, meter: Meter, gatewayAddress: string, conventions: GenAiConventions = genAiConventions()): C {
  const duration = meter.createHistogram("gen_ai.client.operation.duration", {
    description: "GenAI operation duration.",
    unit: "s",
    advice: { explicitBucketBoundaries: OPERATION_DURATION_BUCKETS },
  });
  const tokens = meter.createHistogram("gen_ai.client.token.usage", {
    description: "Number of input and output tokens used.",
    unit: "{token}",
    advice: { explicitBucketBoundaries: TOKEN_USAGE_BUCKETS },
  });
  const server = serverAttributes(gatewayAddress);
  const complete: LlmGateway["complete"] = (request, options) => {
    const llm = request.request;
    const operation = llm?.prompt?.$case === "text" ? "text_completion" : "chat";
    const common: Attributes = {
      "gen_ai.operation.name": operation,
      ...providerAttributes(ANALYSIS_GEN_AI_PROVIDER, conventions),
      ...(llm?.model ? { "gen_ai.request.model": llm.model } : {}),
      ...server,
    };
    const sampling = llm?.sampling;
    const attributes: Attributes = {
      ...common,
      ...(sampling?.maxTokens ? { "gen_ai.request.max_tokens": sampling.maxTokens } : {}),
      ...(sampling?.temperature !== undefined ? { "gen_ai.request.temperature": sampling.temperature } : {}),
      ...(sampling?.topP !== undefined ? { "gen_ai.request.top_p": sampling.topP } : {}),
      ...(sampling?.seed !== undefined ? { "gen_ai.request.seed": sampling.seed } : {}),
      ...(llm?.jsonSchema ? { "gen_ai.output.type": "json" } : {}),
    };
    return tracer.startActiveSpan(llm?.model ? `${operation} ${llm.model}` : operation, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const started = performance.now();
      try {
        const response: inference.CompleteResponse = await client.complete(request, options);
        const usage = response.usage;
        span.setAttributes({
          "gen_ai.response.finish_reasons": [response.finishReason],
          ...(response.execution?.requestId ? { "gen_ai.response.id": response.execution.requestId } : {}),
          ...(usage ? { "gen_ai.usage.input_tokens": usage.promptTokens, "gen_ai.usage.output_tokens": usage.outputTokens } : {}),
        });
        duration.record((performance.now() - started) / 1_000, common);
        if (usage) {
          tokens.record(usage.promptTokens, { ...common, "gen_ai.token.type": "input" });
          tokens.record(usage.outputTokens, { ...common, "gen_ai.token.type": "output" });
        }
        return response;
      } catch (error) {
        const type = errorType(error);
        span.setAttribute("error.type", type);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        duration.record((performance.now() - started) / 1_000, { ...common, "error.type": type });
        throw error;
      } finally {
        span.end();
      }
    });
  };
  // The client's other methods (embed, status) stay reachable through the prototype.
  return Object.assign(Object.create(client) as C, { complete });
}
