// The backend attempts of one generation: wait for the dispatcher, stream from the backend it chose,
// retry on another replica when a backend fails before anything was delivered, and requeue when a
// backend's own admission refuses it (503/429) for as long as the request can wait for room.
import type { Context } from "@opentelemetry/api";
import type { Logger } from "@reviewlens/runtime";
import { BackendError } from "./adapters/openai-backend.js";
import type { BackendPool } from "./backend-pool.js";
import type { ColdPool } from "./cold-pool/cold-pool.js";
import type { Dispatch, Dispatcher } from "./dispatcher.js";
import { BackendAtCapacity, callerError } from "./gateway-errors.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import type { GenAiTelemetry } from "./genai-telemetry.js";
import type { ExecutionEvent, LlmRequest } from "./llm-request.js";
import { backpressureReason, canWaitForRoom } from "./scheduling/backend-backpressure.js";
import { clampRetryAfter } from "./scheduling/overload-refusal.js";
import { DEFAULT_TENANT } from "./scheduling/prefill-cost-queue.js";
import { vllmPriority } from "./scheduling/priority-class.js";

export interface AttemptOptions {
  /** Extra attempts on another replica when a backend fails before anything was delivered. */
  retryAttempts: number;
  /** How long a request refused by backends' own admission (503/429) is requeued before RESOURCE_EXHAUSTED. */
  backpressureMaxWaitMs: number;
  /** Send each request's class as vLLM's `priority` (the backends run `--scheduling-policy priority`). */
  backendPriority: boolean;
}

export interface AttemptDeps {
  dispatcher: Pick<Dispatcher, "wait">;
  pool: Pick<BackendPool, "anyHealthy" | "prefilled" | "finished" | "succeeded" | "failed" | "pushedBack">;
  genAi: Pick<GenAiTelemetry, "startGeneration">;
  metrics: Pick<GatewayMetrics, "backpressure">;
  logger: Logger;
  /** A wakeable pool holds a request whose last backend went away, instead of failing it. */
  coldPool?: Pick<ColdPool, "wakeable">;
}

/** One request's generation, as its attempts need it. */
export interface Generation {
  request: LlmRequest;
  requestId: string;
  /** A streaming caller gets each delta as it comes, so it is retried only before its first one. */
  streaming: boolean;
  arrivedAt: number;
  /** Prompt tokens (the dispatcher's and the backends' prefill accounting). */
  cost: number;
  /** What its tenant is charged when dispatched (prompt plus max output tokens), settled to the usage. */
  serviceTokens: number;
  prefillMs: number;
  prefixKeys: readonly string[];
  /** Prompt tokens one prefix block stands for (its share of `cost`). */
  prefixBlockTokens: number;
  parent: Context;
  /** Overload refusal again before a request a backend refused is requeued (throws to refuse it). */
  readmit(): void;
}

/** How one backend's try ended, when it did not end the request. */
type Attempt =
  | { readonly kind: "answered" }
  /** Failed before anything was delivered: again on another replica (counts against retryAttempts). */
  | { readonly kind: "failed" }
  /** Its own admission refused it (503/429): full, not broken. */
  | { readonly kind: "pushed-back"; readonly refusal: BackendError }
  /** The stream ended without its end: again. */
  | { readonly kind: "cut-short" };

export class BackendAttempts {
  constructor(
    private readonly deps: AttemptDeps,
    private readonly options: AttemptOptions,
  ) {}

  async *run(generation: Generation, signal: AbortSignal): AsyncGenerator<ExecutionEvent> {
    const { request, cost } = generation;
    const deadlineAt = request.ttftDeadlineMs ? generation.arrivedAt + request.ttftDeadlineMs : undefined;
    let failures = 0;
    let pushedBackSince: number | undefined;
    for (let attempt = 0; ; attempt++) {
      const dispatch = await this.deps.dispatcher.wait(
        {
          priority: request.priority,
          cost,
          prefixBlockTokens: generation.prefixBlockTokens,
          deadlineAt,
          prefillMs: generation.prefillMs,
          prefixKeys: generation.prefixKeys,
          tenant: request.tenant,
          serviceTokens: generation.serviceTokens,
        },
        signal,
      );
      const outcome: Attempt = yield* this.attempt(generation, dispatch, { attempt, canRetry: failures < this.options.retryAttempts }, signal);
      if (outcome.kind === "answered") return;
      if (outcome.kind === "failed") failures++;
      if (outcome.kind !== "pushed-back") continue;
      const { backend } = dispatch;
      const reason = backpressureReason(outcome.refusal.httpStatus, outcome.refusal.message);
      const pauseMs = this.deps.pool.pushedBack(backend, outcome.refusal.retryAfterMs);
      this.deps.metrics.backpressure(backend.id, reason);
      const now = performance.now();
      pushedBackSince ??= now;
      if (!canWaitForRoom({ now, since: pushedBackSince, pauseMs, maxWaitMs: this.options.backpressureMaxWaitMs, deadlineAt })) {
        throw new BackendAtCapacity(backend.id, reason, clampRetryAfter(pauseMs));
      }
      // Back through normal admission (a full queue or an unmeetable deadline refuses it now).
      generation.readmit();
      this.deps.logger.debug({ backend: backend.id, reason, pauseMs }, "backend refused at its admission limit; requeued");
    }
  }

  /** One backend's try; throws what ends the request. */
  /** `dispatch.cost`: the prefill the dispatcher charged its backend (less when it holds the prefix). */
  private async *attempt(generation: Generation, dispatch: Dispatch, at: { attempt: number; canRetry: boolean }, signal: AbortSignal): AsyncGenerator<ExecutionEvent, Attempt> {
    const { pool } = this.deps;
    const { backend, cost } = dispatch;
    // What its tenant was served: the usage when answered, nothing before a first token, else the charge.
    let served: number | undefined;
    const { request } = generation;
    const dispatchedAt = performance.now();
    const span = this.deps.genAi.startGeneration(
      request,
      backend.id,
      {
        "reviewlens.gateway.priority": request.priority,
        "reviewlens.gateway.queue_ms": dispatchedAt - generation.arrivedAt,
        "reviewlens.gateway.prefix_blocks_matched": dispatch.matchedBlocks,
        "reviewlens.tenant": request.tenant ?? DEFAULT_TENANT,
        "reviewlens.gateway.attempt": at.attempt,
      },
      generation.parent,
    );
    let firstTokenAt: number | undefined;
    let delivered = false;
    let output = "";
    try {
      const stream = backend.api.generate(
        {
          prompt: request.prompt,
          model: request.model,
          sampling: request.sampling,
          jsonSchema: request.jsonSchema,
          headers: span.headers,
          priority: this.options.backendPriority ? vllmPriority(request.priority) : undefined,
        },
        signal,
      );
      for await (const chunk of stream) {
        if (firstTokenAt === undefined) {
          firstTokenAt = performance.now();
          pool.prefilled(backend, cost);
        }
        if (chunk.type === "text") {
          if (generation.streaming) {
            delivered = true;
            yield { type: "delta", text: chunk.text };
          } else output += chunk.text;
          continue;
        }
        const finishedAt = performance.now();
        served = chunk.usage.promptTokens + chunk.usage.outputTokens;
        pool.succeeded(backend);
        span.end(chunk);
        if (output) yield { type: "delta", text: output };
        yield {
          type: "done",
          finishReason: chunk.finishReason,
          usage: chunk.usage,
          trace: { requestId: generation.requestId, backend: backend.id, priority: request.priority, arrivedAt: generation.arrivedAt, dispatchedAt, firstTokenAt, finishedAt },
        };
        return { kind: "answered" };
      }
      return { kind: "cut-short" };
    } catch (error) {
      span.fail(error, signal.aborted);
      if (signal.aborted) throw signal.reason;
      if (error instanceof BackendError && error.kind === "overloaded" && !delivered) return { kind: "pushed-back", refusal: error };
      if (error instanceof BackendError && error.kind !== "rejected") pool.failed(backend, error.message, error.kind === "connection");
      const retryable = error instanceof BackendError && error.kind !== "rejected" && !delivered;
      if (retryable && at.canRetry && (pool.anyHealthy || this.deps.coldPool?.wakeable)) {
        this.deps.logger.warn({ backend: backend.id, err: error, attempt: at.attempt }, "backend failed before the first token; retrying on a healthy replica");
        return { kind: "failed" };
      }
      throw callerError(error, backend.id);
    } finally {
      pool.finished(backend, cost, firstTokenAt !== undefined);
      dispatch.settle(served ?? (firstTokenAt === undefined ? 0 : generation.serviceTokens));
    }
  }
}
