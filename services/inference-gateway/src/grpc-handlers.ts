// gRPC handlers: proto <-> the gateway's request and events; bad input is INVALID_ARGUMENT naming the field.
import { context as otelContext } from "@opentelemetry/api";
import { inference } from "@reviewlens/contracts";
import { InvalidArgumentError } from "@reviewlens/runtime";
import type { BackendSignal } from "./adapters/vllm-server-probe.js";
import type { CallerEvent, InferenceGateway } from "./inference-gateway.js";
import type { LlmRequest } from "./llm-request.js";
import { checkedPriorityFromProto, priorityToProto } from "./scheduling/priority-class.js";
import { checkEmbedInput, checkLlmRequest, checkModelName, GRPC_FIELD_NAMES, type RequestLimits } from "./request-validation.js";
import { TENANT_HEADER, type CallerCredentials, type IdentifyTenant } from "./tenancy/tenant-identity.js";

/** The credentials a call carries in its metadata. */
export function callerCredentials(metadata: { get(key: string): string | Uint8Array | undefined }): CallerCredentials {
  const text = (key: string) => {
    const value = metadata.get(key);
    return typeof value === "string" ? value : undefined;
  };
  return { authorization: text("authorization"), tenantHeader: text(TENANT_HEADER) };
}

export function toLlmRequest(message: inference.LlmRequest | undefined, limits: RequestLimits, tenant?: string): LlmRequest {
  if (!message) throw new InvalidArgumentError("request", "is required");
  const prompt = message.prompt;
  const s = message.sampling;
  let schema: Record<string, unknown> | undefined;
  if (message.jsonSchema) {
    try {
      schema = JSON.parse(message.jsonSchema.schemaJson) as Record<string, unknown>;
    } catch {
      throw new InvalidArgumentError("request.json_schema.schema_json", "is not valid JSON");
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
    GRPC_FIELD_NAMES,
    limits,
  );
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

export function gatewayService(gateway: InferenceGateway, limits: RequestLimits, identify: IdentifyTenant = () => "default"): inference.InferenceGatewayServiceImplementation {
  return {
    async *generate(request, context) {
      const llm = toLlmRequest(request.request, limits, identify(callerCredentials(context.metadata)));
      for await (const event of gateway.run(llm, context.signal, true, otelContext.active())) {
        yield event.type === "delta" ? { textDelta: event.text } : finalFields(event);
      }
    },
    async complete(request, context) {
      const llm = toLlmRequest(request.request, limits, identify(callerCredentials(context.metadata)));
      let text = "";
      for await (const event of gateway.run(llm, context.signal, false, otelContext.active())) {
        if (event.type === "delta") text += event.text;
        else return { text, ...finalFields(event) };
      }
      throw new Error("the execution ended without a result");
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
