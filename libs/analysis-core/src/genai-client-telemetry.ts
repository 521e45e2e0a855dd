// The analysis services' calls to the gateway as GenAI client operations (OpenTelemetry GenAI
// conventions): a `gen_ai` client span around each Complete and Embed call (its gRPC client span is
// a child), and the client's operation-duration and token-usage histograms.
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

/** The gateway's Embed, where the client has it (summarization's claim clustering calls it). */
type Embed = (request: inference.EmbedRequest, options?: { signal?: AbortSignal }) => Promise<inference.EmbedResponse>;

function errorType(error: unknown): string {
  if (error instanceof ClientError) return Status[error.code] ?? String(error.code);
  return error instanceof Error && error.name === "AbortError" ? "cancelled" : "_OTHER";
}

/** What a call's answer adds to its span, and the tokens it used. */
interface Outcome {
  attributes: Attributes;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
}

/**
 * `client` with its `complete` (and `embed`, when it has one) traced and measured; every other
 * method is the client's own. `gatewayAddress` (host:port or dns:///host:port) gives
 * server.address and server.port.
 */
export function withGenAiClientTelemetry<C extends LlmGateway & { embed?: Embed }>(client: C, meter: Meter, gatewayAddress: string, conventions: GenAiConventions = genAiConventions()): C {
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

  /** One operation in its CLIENT span, timed, with its token usage; failures get `error.type`. */
  const traced = <T>(operation: string, model: string | undefined, request: Attributes, call: () => Promise<T>, outcome: (response: T) => Outcome): Promise<T> => {
    const common: Attributes = {
      "gen_ai.operation.name": operation,
      ...providerAttributes(ANALYSIS_GEN_AI_PROVIDER, conventions),
      ...(model ? { "gen_ai.request.model": model } : {}),
      ...server,
    };
    return tracer.startActiveSpan(model ? `${operation} ${model}` : operation, { kind: SpanKind.CLIENT, attributes: { ...common, ...request } }, async (span) => {
      const started = performance.now();
      try {
        const response = await call();
        const { attributes, inputTokens, outputTokens } = outcome(response);
        span.setAttributes(attributes);
        duration.record((performance.now() - started) / 1_000, common);
        if (inputTokens !== undefined) tokens.record(inputTokens, { ...common, "gen_ai.token.type": "input" });
        if (outputTokens !== undefined) tokens.record(outputTokens, { ...common, "gen_ai.token.type": "output" });
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

  const complete: LlmGateway["complete"] = (request, options) => {
    const llm = request.request;
    const sampling = llm?.sampling;
    const attributes: Attributes = {
      ...(sampling?.maxTokens ? { "gen_ai.request.max_tokens": sampling.maxTokens } : {}),
      ...(sampling?.temperature !== undefined ? { "gen_ai.request.temperature": sampling.temperature } : {}),
      ...(sampling?.topP !== undefined ? { "gen_ai.request.top_p": sampling.topP } : {}),
      ...(sampling?.seed !== undefined ? { "gen_ai.request.seed": sampling.seed } : {}),
      ...(llm?.jsonSchema ? { "gen_ai.output.type": "json" } : {}),
    };
    const operation = llm?.prompt?.$case === "text" ? "text_completion" : "chat";
    return traced(operation, llm?.model, attributes, () => client.complete(request, options), (response) => ({
      attributes: {
        "gen_ai.response.finish_reasons": [response.finishReason],
        ...(response.execution?.requestId ? { "gen_ai.response.id": response.execution.requestId } : {}),
        ...(response.usage ? { "gen_ai.usage.input_tokens": response.usage.promptTokens, "gen_ai.usage.output_tokens": response.usage.outputTokens } : {}),
      },
      inputTokens: response.usage?.promptTokens,
      outputTokens: response.usage?.outputTokens,
    }));
  };
  const clientEmbed = client.embed?.bind(client);
  const embed: Embed | undefined =
    clientEmbed &&
    ((request, options) =>
      traced("embeddings", request.model, {}, () => clientEmbed(request, options), (response) => ({
        attributes: { "gen_ai.usage.input_tokens": response.promptTokens, "gen_ai.embeddings.dimension.count": response.dimension },
        inputTokens: response.promptTokens,
      })));
  // The client's other methods (status, ...) stay reachable through the prototype.
  return Object.assign(Object.create(client) as C, { complete, ...(embed ? { embed } : {}) });
}
