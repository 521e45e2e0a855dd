// The gateway's one path to the LLM, shared by the gRPC handlers and the HTTP facade: prompt cost,
// honest overload, the prefill-cost queue, dispatch, identical-request coalescing, retries before
// anything was delivered, timings, metrics, tracing and the vllm_metrics row.
import { createHash, randomUUID } from "node:crypto";
import { context as otelContext, propagation, SpanStatusCode, trace, type Context } from "@opentelemetry/api";
import { InvalidArgumentError, StatusError, Status, unprocessedError, type Logger } from "@reviewlens/runtime";
import type { VllmMetricsRow } from "@reviewlens/metrics-store";
import { BackendError } from "./adapters/openai-backend.js";
import type { BackendPool, PooledBackend } from "./backend-pool.js";
import { SharedExecutions } from "./coalescing/shared-executions.js";
import { MicroBatcher } from "./coalescing/micro-batcher.js";
import type { Dispatcher } from "./dispatcher.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import type { GenAiTelemetry } from "./genai-telemetry.js";
import { promptText, type ExecutionEvent, type LlmRequest, type Prompt, type TokenCounts } from "./llm-request.js";
import { requestTimings, type RequestTimings } from "./request-timings.js";
import type { BackendRouter } from "./routing/backend-router.js";
import { prefixBlockKeys, type PrefixBlockOptions } from "./routing/prefix-blocks.js";
import { vllmPriority, type PriorityClass } from "./scheduling/priority-class.js";
import type { TokenEstimator } from "./scheduling/token-estimator.js";
import type { QueueWaitModel } from "./scheduling/queue-wait-model.js";
import { backpressureReason, canWaitForRoom } from "./scheduling/backend-backpressure.js";

export interface GatewayOptions {
  maxQueueLength: number;
  /** Prefill throughput of one backend (tokens/s): turns queued work into wait estimates. */
  prefillTokensPerSecond: number;
  sloTtftMs: number;
  defaultMaxTokens: number;
  /** Ask the backend's /tokenize for exact prompt lengths instead of estimating. */
  tokenize: boolean;
  /** Send each request's class as vLLM's `priority` (the backends run `--scheduling-policy priority`). */
  backendPriority: boolean;
  /** Extra attempts on another replica when a backend fails before anything was delivered. */
  retryAttempts: number;
  /** How long a request refused by backends' own admission (503/429) is requeued before RESOURCE_EXHAUSTED. */
  backpressureMaxWaitMs: number;
  /** How long a result stays answerable by its idempotency key. */
  idempotencyWindowMs: number;
  prefixBlocks: PrefixBlockOptions;
  embeddingBatch: { maxBatchSize: number; maxWaitMs: number };
}

export interface GatewayDeps {
  pool: BackendPool;
  dispatcher: Dispatcher;
  router: BackendRouter;
  estimator: TokenEstimator;
  /** The queue's measured pace while backlogged: turns requests ahead into a wait. */
  queueWait: QueueWaitModel;
  metrics: GatewayMetrics;
  /** GenAI spans and server histograms (OpenTelemetry GenAI conventions). */
  genAi: GenAiTelemetry;
  logger: Logger;
  /** Writes one vllm_metrics row (buffered by the metrics store). */
  record(row: VllmMetricsRow): void;
}

export interface ExecutionInfo {
  requestId: string;
  backend: string;
  priority: PriorityClass;
  coalesced: boolean;
  metSlo: boolean;
}

export type CallerEvent =
  | { type: "delta"; text: string }
  | { type: "done"; finishReason: string; usage: TokenCounts; timings: RequestTimings; execution: ExecutionInfo };

/** One text's vector, its share of the backend call's prompt tokens and the model that made it. */
interface EmbeddedText {
  vector: number[];
  promptTokens: number;
  model: string;
}

export interface EmbedResult {
  vectors: number[][];
  /** The embedding model as the backend names it. */
  model: string;
  promptTokens: number;
  batchedWith: number;
}

// Chat template tokens Qwen2.5 adds: per message <|im_start|>role\n ... <|im_end|>\n, the default
// system prompt when none is given, and the generation prompt.
function templateOverhead(prompt: Prompt): number {
  if (prompt.kind === "text") return 0;
  const hasSystem = prompt.messages.some((m) => m.role === "system");
  return 5 * prompt.messages.length + 3 + (hasSystem ? 0 : 25);
}

export class InferenceGateway {
  private readonly shared = new SharedExecutions<ExecutionEvent>();
  private readonly embedBatchers = new Map<string, MicroBatcher<string, EmbeddedText>>();
  private readonly recent: Array<{ at: number; metSlo: boolean }> = [];
  private completedCount = 0;
  private rejectedCount = 0;
  private closing = false;

  constructor(
    private readonly options: GatewayOptions,
    private readonly deps: GatewayDeps,
  ) {}

  /**
   * Runs one caller's request. Refusals (full queue, unmeetable deadline, no backend) are thrown
   * before any event, so a streaming caller gets a status, never a late timeout. A caller that does
   * not stream gets the text in one piece at the end, so a replica failing mid-generation is
   * retried from scratch on another; a streaming caller's request is retried only before its first token.
   */
  async *run(request: LlmRequest, signal: AbortSignal, streaming: boolean, parent: Context = otelContext.active()): AsyncGenerator<CallerEvent> {
    const arrivedAt = performance.now();
    const { metrics } = this.deps;
    if (request.sampling.maxTokens === 0) request.sampling.maxTokens = this.options.defaultMaxTokens;
    const key = this.dedupKey(request, streaming);
    const start = (s: AbortSignal) => this.execute(request, arrivedAt, streaming, s, parent);
    const subscription = key
      ? this.shared.subscribe(key, start, signal, request.idempotencyKey ? this.options.idempotencyWindowMs : 0)
      : { coalesced: false, events: start(signal) };
    if (subscription.coalesced) metrics.coalescedRequest("identical");
    try {
      for await (const event of subscription.events) {
        if (event.type === "delta") {
          yield event;
          continue;
        }
        const timings = requestTimings(event.trace, arrivedAt, event.usage.outputTokens);
        const metSlo = timings.ttftMs < this.options.sloTtftMs;
        const execution: ExecutionInfo = {
          requestId: subscription.coalesced ? `${event.trace.requestId}+${randomUUID().slice(0, 8)}` : event.trace.requestId,
          backend: event.trace.backend,
          priority: request.priority,
          coalesced: subscription.coalesced,
          metSlo,
        };
        this.completed(request, timings, event.usage, execution);
        yield { type: "done", finishReason: event.finishReason, usage: event.usage, timings, execution };
      }
    } catch (error) {
      const outcome = signal.aborted ? "cancelled" : error instanceof StatusError && error.status === Status.RESOURCE_EXHAUSTED ? "rejected" : "failed";
      if (outcome === "rejected") this.rejectedCount++;
      metrics.outcome(request.priority, outcome);
      this.deps.genAi.failed(request, performance.now() - arrivedAt, error, outcome === "cancelled");
      throw error;
    }
  }

  /** `dimensions` asks the backend for shorter vectors (vLLM: matryoshka models only; it refuses otherwise). */
  async embed(texts: string[], model: string, signal: AbortSignal, dimensions?: number): Promise<EmbedResult> {
    const key = `${model}\n${dimensions ?? ""}`;
    let batcher = this.embedBatchers.get(key);
    if (!batcher) {
      batcher = new MicroBatcher<string, EmbeddedText>({
        ...this.options.embeddingBatch,
        execute: (items, s) => this.embedBatch(items, model, s, dimensions),
      });
      this.embedBatchers.set(key, batcher);
    }
    const { results, batchedWith } = await batcher.submit(texts, signal);
    if (batchedWith > texts.length) this.deps.metrics.coalescedRequest("embedding");
    // Exact when the call had the backend call to itself; a share of the batch's count otherwise.
    const promptTokens = Math.round(results.reduce((n, r) => n + r.promptTokens, 0));
    return { vectors: results.map((r) => r.vector), model: results[0]?.model ?? model, promptTokens, batchedWith };
  }

  async models(signal: AbortSignal): Promise<Array<{ id: string; maxModelLen?: number }>> {
    const backend = this.pickAny();
    try {
      return await backend.api.models(signal);
    } catch (error) {
      throw toStatus(error, backend);
    }
  }

  status() {
    const now = performance.now();
    const minuteAgo = now - 60_000;
    while (this.recent.length > 0 && this.recent[0]!.at < minuteAgo) this.recent.shift();
    const met = this.recent.filter((r) => r.metSlo).length;
    return {
      queues: this.deps.dispatcher.queue.snapshot().map((c) => ({ ...c, oldestWaitMs: c.oldestEnqueuedAt === undefined ? 0 : now - c.oldestEnqueuedAt })),
      backends: this.deps.pool.list(),
      estimator: this.deps.estimator.calibration(),
      requestsCompleted: this.completedCount,
      requestsRejected: this.rejectedCount,
      goodputRequestsPerSecond: met / 60,
      sloCompliance: this.recent.length === 0 ? 1 : met / this.recent.length,
      tokenizerEndpoint: this.options.tokenize,
    };
  }

  /** Shutdown: nothing new is queued, what still waits is refused with UNAVAILABLE. */
  close() {
    this.closing = true;
    this.deps.dispatcher.rejectAll("the gateway is shutting down; retry on another replica");
  }

  private async *execute(request: LlmRequest, arrivedAt: number, streaming: boolean, signal: AbortSignal, parent: Context): AsyncGenerator<ExecutionEvent> {
    const { pool, dispatcher, estimator } = this.deps;
    if (this.closing) throw unprocessedError("the gateway is shutting down; retry on another replica");
    if (!pool.anyHealthy) throw new StatusError(Status.UNAVAILABLE, "no healthy backend; retry shortly", { "grpc-retry-pushback-ms": "1000" });
    const prompt = promptText(request.prompt);
    const overhead = templateOverhead(request.prompt);
    const exact = this.options.tokenize ? await this.tokenize(request, signal) : undefined;
    const cost = exact?.count ?? estimator.estimate(prompt, overhead);
    this.admit(request, cost);

    const requestId = randomUUID();
    const prefixKeys = prefixBlockKeys(exact?.tokens.length ? exact.tokens : prompt, this.options.prefixBlocks);
    const prefillMs = (cost / this.options.prefillTokensPerSecond) * 1_000;
    let failures = 0;
    let pushedBackSince: number | undefined;
    for (let attempt = 0; ; attempt++) {
      const deadlineAt = request.ttftDeadlineMs ? arrivedAt + request.ttftDeadlineMs : undefined;
      const { backend, matchedBlocks } = await dispatcher.wait({ priority: request.priority, cost, deadlineAt, prefillMs, prefixKeys }, signal);
      const dispatchedAt = performance.now();
      const span = this.deps.genAi.startGeneration(
        request,
        backend.id,
        {
          "reviewlens.gateway.priority": request.priority,
          "reviewlens.gateway.queue_ms": dispatchedAt - arrivedAt,
          "reviewlens.gateway.prefix_blocks_matched": matchedBlocks,
          "reviewlens.gateway.attempt": attempt,
        },
        parent,
      );
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(parent, span), headers);
      let firstTokenAt: number | undefined;
      let delivered = false;
      let output = "";
      let pushedBack: BackendError | undefined;
      try {
        const stream = backend.api.generate(
          {
            prompt: request.prompt,
            model: request.model,
            sampling: request.sampling,
            jsonSchema: request.jsonSchema,
            headers,
            priority: this.options.backendPriority ? vllmPriority(request.priority) : undefined,
          },
          signal,
        );
        for await (const chunk of stream) {
          if (firstTokenAt === undefined) {
            firstTokenAt = performance.now();
            // The prompt left the backend's prefill work: the next queued request may go.
            backend.admission.prefilled(cost);
            dispatcher.schedule(0);
          }
          if (chunk.type === "text") {
            if (streaming) {
              delivered = true;
              yield { type: "delta", text: chunk.text };
            } else output += chunk.text;
            continue;
          }
          const finishedAt = performance.now();
          pool.succeeded(backend);
          if (!exact) estimator.observe(prompt, chunk.usage.promptTokens, overhead);
          this.deps.genAi.endGeneration(span, chunk);
          if (output) yield { type: "delta", text: output };
          yield {
            type: "done",
            finishReason: chunk.finishReason,
            usage: chunk.usage,
            trace: { requestId, backend: backend.id, priority: request.priority, arrivedAt, dispatchedAt, firstTokenAt, finishedAt },
          };
          return;
        }
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: signal.aborted ? "cancelled" : String(error) });
        span.end();
        if (signal.aborted) throw signal.reason;
        // Its own admission refused it before any token: it is full, not broken (handled below).
        if (error instanceof BackendError && error.kind === "overloaded" && !delivered) pushedBack = error;
        else {
          if (error instanceof BackendError && error.kind !== "rejected") pool.failed(backend, error.message, error.kind === "connection");
          const retryable = error instanceof BackendError && error.kind !== "rejected" && !delivered;
          if (retryable && failures < this.options.retryAttempts && pool.anyHealthy) {
            failures++;
            this.deps.logger.warn({ backend: backend.id, err: error, attempt }, "backend failed before the first token; retrying on a healthy replica");
            continue;
          }
          throw toStatus(error, backend);
        }
      } finally {
        pool.finished(backend, cost, firstTokenAt !== undefined);
        dispatcher.schedule(0);
      }
      if (pushedBack === undefined) continue;
      const reason = backpressureReason(pushedBack.httpStatus, pushedBack.message);
      const pauseMs = pool.pushedBack(backend, pushedBack.retryAfterMs);
      this.deps.metrics.backpressure(backend.id, reason);
      const now = performance.now();
      pushedBackSince ??= now;
      if (!canWaitForRoom({ now, since: pushedBackSince, pauseMs, maxWaitMs: this.options.backpressureMaxWaitMs, deadlineAt })) {
        throw new StatusError(
          Status.RESOURCE_EXHAUSTED,
          `backend ${backend.id} is at its admission limit (${reason}) and the request cannot wait longer for room; retry later`,
          { "grpc-retry-pushback-ms": String(clampPushback(pauseMs)) },
        );
      }
      // Back through normal admission (a full queue or an unmeetable deadline refuses it now).
      this.admit(request, cost);
      this.deps.logger.debug({ backend: backend.id, reason, pauseMs }, "backend refused at its admission limit; requeued");
    }
  }

  /**
   * Honest overload: refuses at once when the queue is full or the TTFT deadline cannot be met. The
   * wait ahead is the larger of the prefill work ahead (at the configured prefill rate) and the
   * requests ahead at the pace the queue drains (queue-wait-model.ts: what bounds a decode-bound
   * backend); until that pace is known, at most one batch of what the backends run may queue.
   */
  private admit(request: LlmRequest, cost: number) {
    const { dispatcher, pool, queueWait } = this.deps;
    const queue = dispatcher.queue;
    const healthy = pool.list().filter((b) => b.healthy && !b.draining);
    const tokensPerMs = (this.options.prefillTokensPerSecond * Math.max(1, healthy.length)) / 1_000;
    const slots = healthy.reduce((n, b) => n + b.admission.sequenceLimit, 0);
    const inFlight = pool.list().reduce((n, b) => n + b.admission.inFlightPrefillTokens, 0);
    if (queue.length >= this.options.maxQueueLength) {
      const drainMs = Math.max((queue.tokensAhead(request.priority, Infinity) + inFlight) / tokensPerMs, queueWait.waitMs(queue.length, slots) ?? 0);
      throw new StatusError(Status.RESOURCE_EXHAUSTED, `the gateway's queue is full (${queue.length} requests); retry later`, {
        "grpc-retry-pushback-ms": String(clampPushback(drainMs / 2)),
      });
    }
    if (!request.ttftDeadlineMs) return;
    const ahead = queue.countAhead(request.priority, cost);
    const queuedMs = queueWait.waitMs(ahead, slots);
    if (queuedMs === undefined && ahead >= Math.max(1, slots)) {
      throw new StatusError(
        Status.RESOURCE_EXHAUSTED,
        `the TTFT deadline of ${request.ttftDeadlineMs} ms cannot be promised: ${ahead} requests are queued ahead and the backends' pace is not measured yet`,
        { "grpc-retry-pushback-ms": "1000" },
      );
    }
    // Once dispatched, the first token takes what it took recent requests (prefill, the backend's step).
    const firstTokenMs = Math.max(cost / tokensPerMs, queueWait.firstTokenMs());
    const expectedTtftMs = Math.max((queue.tokensAhead(request.priority, cost) + inFlight + cost) / tokensPerMs, (queuedMs ?? 0) + firstTokenMs);
    if (expectedTtftMs > request.ttftDeadlineMs) {
      throw new StatusError(
        Status.RESOURCE_EXHAUSTED,
        `the TTFT deadline of ${request.ttftDeadlineMs} ms cannot be met: its first token is about ${Math.round(expectedTtftMs)} ms away (${ahead} requests queued ahead of it)`,
        { "grpc-retry-pushback-ms": String(clampPushback(expectedTtftMs - request.ttftDeadlineMs)) },
      );
    }
  }

  private async tokenize(request: LlmRequest, signal: AbortSignal) {
    const withTokenizer = this.healthyBackends().filter((b) => !b.probe.missing.has("tokenize"));
    if (withTokenizer.length === 0) return undefined;
    const backend = this.pickAny(withTokenizer);
    try {
      const model = request.model || (await backend.api.model(signal));
      const result = await backend.probe.tokenize(request.prompt, model, signal);
      if (!result) return undefined; // a server without /tokenize: the estimate stands in
      if (result.maxModelLen && result.count + request.sampling.maxTokens > result.maxModelLen) {
        throw new InvalidArgumentError(
          "request.prompt",
          `${result.count} prompt tokens plus max_tokens ${request.sampling.maxTokens} exceed the model's context of ${result.maxModelLen} tokens`,
        );
      }
      return result;
    } catch (error) {
      if (error instanceof InvalidArgumentError || signal.aborted) throw error;
      throw toStatus(error instanceof BackendError ? error : new BackendError(String(error), "connection"), backend);
    }
  }

  private async embedBatch(texts: string[], model: string, signal: AbortSignal, dimensions: number | undefined): Promise<EmbeddedText[]> {
    this.deps.metrics.embeddingBatch();
    const backend = this.pickAny();
    try {
      const { vectors, promptTokens, model: served } = await backend.api.embed(texts, model, signal, dimensions);
      this.deps.pool.succeeded(backend);
      // The backend counts the whole batch; each text gets a share in proportion to its estimate.
      const estimates = texts.map((t) => Math.max(1, this.deps.estimator.estimate(t)));
      const total = estimates.reduce((a, b) => a + b, 0);
      return vectors.map((vector, i) => ({ vector, promptTokens: (promptTokens * estimates[i]!) / total, model: served }));
    } catch (error) {
      if (error instanceof BackendError && error.kind !== "rejected") this.deps.pool.failed(backend, error.message);
      throw toStatus(error, backend);
    }
  }

  /** The least-loaded healthy backend, for calls that bypass the queue (embeddings, /tokenize, models). */
  private pickAny(among = this.healthyBackends()): PooledBackend {
    const choice = this.deps.router.choose(among, []);
    if (!choice) throw new StatusError(Status.UNAVAILABLE, "no healthy backend; retry shortly", { "grpc-retry-pushback-ms": "1000" });
    return choice.backend;
  }

  private healthyBackends(): PooledBackend[] {
    return this.deps.pool.list().filter((b) => b.healthy && !b.draining);
  }

  private completed(request: LlmRequest, timings: RequestTimings, usage: TokenCounts, execution: ExecutionInfo) {
    this.completedCount++;
    if (!execution.coalesced) this.deps.queueWait.finished(timings.e2eMs - timings.queueMs, timings.prefillMs);
    this.recent.push({ at: performance.now(), metSlo: execution.metSlo });
    if (this.recent.length > 100_000) this.recent.shift();
    this.deps.metrics.completed(request.priority, timings, usage, execution.metSlo);
    this.deps.genAi.completed(request, timings);
    this.deps.record({
      requestId: execution.requestId,
      restaurantId: request.restaurantId || undefined,
      analysisType: request.analysisType || undefined,
      priority: request.priority,
      backend: execution.backend,
      queueMs: timings.queueMs,
      ttftMs: timings.ttftMs,
      prefillMs: timings.prefillMs,
      decodeMs: timings.decodeMs,
      e2eMs: timings.e2eMs,
      promptTokens: usage.promptTokens,
      cachedPromptTokens: usage.cachedPromptTokens,
      outputTokens: usage.outputTokens,
      tpotMs: timings.tpotMs,
      tokensPerS: timings.tokensPerSecond,
      metSlo: execution.metSlo,
    });
  }

  // Identical requests share one execution only when the output is reproducible (greedy or seeded),
  // or when the caller asked for it with an idempotency key.
  private dedupKey(request: LlmRequest, streaming: boolean): string | undefined {
    const reproducible = request.sampling.temperature === 0 || request.sampling.seed !== undefined;
    if (!reproducible && !request.idempotencyKey) return undefined;
    const { prompt, model, sampling, jsonSchema } = request;
    const digest = createHash("sha256").update(JSON.stringify({ prompt, model, sampling, jsonSchema, streaming })).digest("base64url");
    return request.idempotencyKey ? `key:${request.idempotencyKey}:${digest}` : digest;
  }
}

function clampPushback(ms: number): number {
  return Math.round(Math.min(60_000, Math.max(100, ms)));
}

/** Maps a backend failure to the gRPC status the caller gets. */
function toStatus(error: unknown, backend: PooledBackend): unknown {
  if (!(error instanceof BackendError)) return error;
  if (error.kind === "rejected") return new StatusError(Status.INVALID_ARGUMENT, `request: the backend refused it: ${error.message}`);
  return new StatusError(Status.UNAVAILABLE, `backend ${backend.id} failed: ${error.message}`);
}
