// gRPC handlers: proto <-> the gateway's request and events; bad input is INVALID_ARGUMENT naming the field.
import { context as otelContext, propagation, type Context } from "@opentelemetry/api";
import { inference } from "@reviewlens/contracts";
import { capErrorMessage, inCompletionOrder, InvalidArgumentError, statusOf, Status, type Logger } from "@reviewlens/runtime";
import type { BackendSignal } from "./adapters/vllm-server-probe.js";
import type { CallerEvent, InferenceGateway } from "./inference-gateway.js";
import type { LlmRequest } from "./llm-request.js";
import { checkedPriorityFromProto, priorityToProto } from "./scheduling/priority-class.js";
import { checkEmbedInput, checkLlmRequest, checkModelName, GRPC_FIELD_NAMES, type RequestFieldNames, type RequestLimits } from "./request-validation.js";
import { TENANT_HEADER, type CallerCredentials, type IdentifyTenant } from "./tenancy/tenant-identity.js";

/** The credentials a call carries in its metadata. */
export function callerCredentials(metadata: { get(key: string): string | Uint8Array | undefined }): CallerCredentials {
  const text = (key: string) => {
    const value = metadata.get(key);
    return typeof value === "string" ? value : undefined;
  };
  return { authorization: text("authorization"), tenantHeader: text(TENANT_HEADER) };
}

export function toLlmRequest(message: inference.LlmRequest | undefined, limits: RequestLimits, tenant?: string, names: RequestFieldNames = GRPC_FIELD_NAMES): LlmRequest {
  if (!message) throw new InvalidArgumentError("request", "is required");
  const prompt = message.prompt;
  const s = message.sampling;
  let schema: Record<string, unknown> | undefined;
  if (message.jsonSchema) {
    try {
      schema = JSON.parse(message.jsonSchema.schemaJson) as Record<string, unknown>;
    } catch {
      throw new InvalidArgumentError(names.jsonSchema, "is not valid JSON");
    }
  }
  return checkLlmRequest(
    {
      prompt: prompt?.$case === "text" ? { kind: "text", text: prompt.value } : prompt?.$case === "chat" ? { kind: "chat", messages: prompt.value.messages } : undefined,
      model: message.model,
      sampling: {
        maxTokens: s?.maxTokens ?? 0,
        temperature: s?.temperature,
        topP: s?.topP,
        seed: s?.seed,
        stop: s?.stop ?? [],
        minTokens: s?.minTokens || undefined,
        ignoreEos: s?.ignoreEos || undefined,
      },
      jsonSchema: message.jsonSchema && schema ? { name: message.jsonSchema.name || "output", schema, strict: message.jsonSchema.strict } : undefined,
      priority: checkedPriorityFromProto(message.priority, "request.priority"),
      ttftDeadlineMs: message.ttftDeadlineMs || undefined,
      idempotencyKey: message.idempotencyKey || undefined,
      restaurantId: message.restaurantId || undefined,
      analysisType: message.analysisType || undefined,
      tenant,
    },
    names,
    limits,
  );
}

/** Variants in one CompleteShared call: an analysis's round (16 summary aspects, 20 reviews) fits many times over. */
export const MAX_SHARED_VARIANTS = 256;

/** Each variant of a CompleteShared call as the request Complete would have been sent; a bad one refuses the call. */
export function toSharedLlmRequests(message: inference.CompleteSharedRequest, limits: RequestLimits, tenant?: string): LlmRequest[] {
  if (message.variants.length === 0) throw new InvalidArgumentError("variants", "must hold at least one variant");
  if (message.variants.length > MAX_SHARED_VARIANTS) throw new InvalidArgumentError("variants", `holds ${message.variants.length} variants; at most ${MAX_SHARED_VARIANTS}`);
  const shared = message.request;
  return message.variants.map((variant, i) => {
    const names = {
      ...GRPC_FIELD_NAMES,
      ...(variant.maxTokens ? { maxTokens: `variants[${i}].max_tokens` } : {}),
      ...(variant.jsonSchema ? { jsonSchema: `variants[${i}].json_schema.schema_json` } : {}),
    };
    const own = shared && {
      ...shared,
      jsonSchema: variant.jsonSchema ?? shared.jsonSchema,
      // A variant's max_tokens holds even when the shared request sends no sampling at all.
      sampling: inference.SamplingParams.fromPartial({ ...shared.sampling, maxTokens: variant.maxTokens || (shared.sampling?.maxTokens ?? 0) }),
    };
    return toLlmRequest(own, limits, tenant, names);
  });
}

const SIGNALS: Record<BackendSignal, inference.BackendSignal> = {
  "load-metrics": inference.BackendSignal.BACKEND_SIGNAL_LOAD_METRICS,
  tokenize: inference.BackendSignal.BACKEND_SIGNAL_TOKENIZE,
  health: inference.BackendSignal.BACKEND_SIGNAL_HEALTH,
};

function finalFields(event: Extract<CallerEvent, { type: "done" }>) {
  return {
    finishReason: event.finishReason,
    usage: {
      promptTokens: event.usage.promptTokens,
      outputTokens: event.usage.outputTokens,
      totalTokens: event.usage.promptTokens + event.usage.outputTokens,
      cachedPromptTokens: event.usage.cachedPromptTokens,
    },
    timings: event.timings,
    execution: { ...event.execution, priority: priorityToProto(event.execution.priority) },
  };
}

async function completion(gateway: InferenceGateway, llm: LlmRequest, signal: AbortSignal, parent: Context) {
  let text = "";
  for await (const event of gateway.run(llm, signal, false, parent)) {
    if (event.type === "delta") text += event.text;
    else return { text, ...finalFields(event) };
  }
  throw new Error("the execution ended without a result");
}

/** The caller's own span is the parent of a variant's spans when it sent its trace context. */
function variantContext(traceparent: string, callContext: Context): Context {
  return traceparent ? propagation.extract(callContext, { traceparent }) : callContext;
}

/** A failed variant as the status Complete would have ended with (the call itself goes on); a bug is logged as the error middleware logs it. */
function variantError(error: unknown, signal: AbortSignal, logger: Logger | undefined): inference.VariantError {
  if (signal.aborted) throw error;
  const mapped = statusOf(error);
  if (mapped) return { code: mapped.status, message: capErrorMessage(mapped.message) };
  logger?.error({ err: error, method: "CompleteShared" }, "unexpected error in handler");
  return { code: Status.INTERNAL, message: capErrorMessage(`internal error: ${error instanceof Error ? error.message : String(error)}`) };
}

export function gatewayService(gateway: InferenceGateway, limits: RequestLimits, identify: IdentifyTenant = () => "default", logger?: Logger): inference.InferenceGatewayServiceImplementation {
  return {
    async *generate(request, context) {
      const llm = toLlmRequest(request.request, limits, identify(callerCredentials(context.metadata)));
      for await (const event of gateway.run(llm, context.signal, true, otelContext.active())) {
        yield event.type === "delta" ? { textDelta: event.text } : finalFields(event);
      }
    },
    async complete(request, context) {
      const llm = toLlmRequest(request.request, limits, identify(callerCredentials(context.metadata)));
      return completion(gateway, llm, context.signal, otelContext.active());
    },
    async *completeShared(request, context) {
      const llms = toSharedLlmRequests(request, limits, identify(callerCredentials(context.metadata)));
      const callContext = otelContext.active();
      const tasks = llms.map((llm, variant) => ({ key: variant, run: () => completion(gateway, llm, context.signal, variantContext(request.variants[variant]!.traceparent, callContext)) }));
      for await (const settled of inCompletionOrder(tasks)) {
        if (settled.ok) yield { variant: settled.key, outcome: { $case: "response", value: settled.value } };
        else yield { variant: settled.key, outcome: { $case: "error", value: variantError(settled.error, context.signal, logger) } };
      }
    },
    async embed(request, context) {
      checkEmbedInput(request.texts, "texts", limits);
      checkModelName(request.model, "model");
      checkedPriorityFromProto(request.priority, "priority");
      const result = await gateway.embed(request.texts, request.model, context.signal, undefined, otelContext.active());
      return {
        embeddings: result.vectors.map((values) => ({ values })),
        dimension: result.vectors[0]?.length ?? 0,
        promptTokens: result.promptTokens,
        batchedWith: result.batchedWith,
      };
    },
    async getStatus() {
      const s = gateway.status();
      const t = await gateway.tenantStatus();
      return {
        queues: s.queues.map((q) => ({ priority: priorityToProto(q.priority), depth: q.depth, queuedPrefillTokens: q.queuedTokens, oldestWaitMs: q.oldestWaitMs })),
        backends: s.backends.map((b) => ({
          url: b.id,
          healthy: b.healthy && !b.draining,
          inFlightSequences: b.admission.inFlightSequences,
          inFlightPrefillTokens: b.admission.inFlightPrefillTokens,
          maxSequences: b.admission.sequenceLimit,
          maxPrefillTokens: b.admission.prefillBudget,
          numRequestsRunning: b.lastLoad.running,
          numRequestsWaiting: b.lastLoad.waiting,
          kvCacheUsage: b.lastLoad.kvCacheUsage,
          lastError: b.draining ? `draining${b.lastError ? `; ${b.lastError}` : ""}` : b.lastError,
          admissionRejections: b.admissionRejections,
          backoffRemainingMs: b.admission.pausedMs(),
          scrapedAdmissionRejections: b.probe.scrapedAdmissionRejections ?? 0,
          missingSignals: [...b.probe.missing].map((m) => SIGNALS[m]),
        })),
        estimator: s.estimator.map((e) => ({ script: e.script, tokensPerChar: e.tokensPerChar, samples: e.samples })),
        requestsCompleted: s.requestsCompleted,
        requestsRejected: s.requestsRejected,
        goodputRequestsPerSecond: s.goodputRequestsPerSecond,
        sloCompliance: s.sloCompliance,
        tokenizerEndpoint: s.tokenizerEndpoint,
        tenants: t.tenants,
        fairness: t.fairness,
        budgetStore: t.budgetStore,
      };
    },
  };
}
