// The gateway's one path to the LLM, shared by the gRPC handlers and the HTTP facade: identical-request
// coalescing, the prompt's cost (exact or estimated), overload refusal, then the backend attempts;
// embeddings through micro-batches; the answered request's timings, metrics and vllm_metrics row.
import { createHash, randomUUID } from "node:crypto";
import { context as otelContext, type Context } from "@opentelemetry/api";
import { OverloadedError, type Logger } from "@reviewlens/runtime";
import type { VllmMetricsRow } from "@reviewlens/metrics-store";
import { BackendError } from "./adapters/openai-backend.js";
import { BackendAttempts, type AttemptOptions } from "./backend-attempts.js";
import type { BackendPool, PooledBackend } from "./backend-pool.js";
import type { ColdPool } from "./cold-pool/cold-pool.js";
import { SharedExecutions } from "./coalescing/shared-executions.js";
import { MicroBatcher } from "./coalescing/micro-batcher.js";
import type { Dispatcher } from "./dispatcher.js";
import { callerError, GatewayOverloaded, GatewayShuttingDown, NoHealthyBackend } from "./gateway-errors.js";
import type { GatewayMetrics } from "./gateway-metrics.js";
import type { GenAiTelemetry } from "./genai-telemetry.js";
import type { ExecutionEvent, LlmRequest, TokenCounts } from "./llm-request.js";
import { PromptCosts } from "./prompt-cost.js";
import { requestTimings, type RequestTimings } from "./request-timings.js";
import type { BackendRouter } from "./routing/backend-router.js";
import { prefixBlockKeys, type PrefixBlockOptions } from "./routing/prefix-blocks.js";
import { checkEstimateFitsContext } from "./scheduling/context-window.js";
import { decideOverload } from "./scheduling/overload-refusal.js";
import type { PriorityClass } from "./scheduling/priority-class.js";
import type { TokenEstimator } from "./scheduling/token-estimator.js";
import { DEFAULT_TENANT } from "./scheduling/prefill-cost-queue.js";
import type { QueueWaitModel } from "./scheduling/queue-wait-model.js";
import { SloWindow } from "./slo-window.js";
import { ServedShares } from "./tenancy/served-shares.js";
import type { TenantBudgets } from "./tenancy/tenant-budgets.js";
import type { TenantDirectory } from "./tenancy/tenant-directory.js";
import { tenantStatusRows } from "./tenancy/tenant-status.js";

export interface GatewayOptions extends AttemptOptions {
  maxQueueLength: number;
  /** Prefill throughput of one backend (tokens/s): turns queued work into wait estimates. */
  prefillTokensPerSecond: number;
  sloTtftMs: number;
  defaultMaxTokens: number;
  /** Ask the backend's /tokenize for exact prompt lengths instead of estimating. */
  tokenize: boolean;
  /** How long a result stays answerable by its idempotency key. */
  idempotencyWindowMs: number;
  prefixBlocks: PrefixBlockOptions;
  embeddingBatch: { maxBatchSize: number; maxWaitMs: number };
}

export interface GatewayDeps {
  pool: BackendPool;
  /** Holds requests while the pool wakes from zero (or refuses them when nobody wakes it). */
  coldPool: ColdPool;
  dispatcher: Dispatcher;
  router: BackendRouter;
  estimator: TokenEstimator;
  /** The queue's measured pace while backlogged: turns requests ahead into a wait. */
  queueWait: QueueWaitModel;
  metrics: GatewayMetrics;
  /** GenAI spans and server histograms (OpenTelemetry GenAI conventions). */
  genAi: GenAiTelemetry;
  logger: Logger;
  /** Tenants' weights and budgets. */
  tenants: TenantDirectory;
  budgets: TenantBudgets;
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
  /** The backend that computed it. */
  backend: string;
}

export interface EmbedResult {
  vectors: number[][];
  /** The embedding model as the backend names it. */
  model: string;
  promptTokens: number;
  batchedWith: number;
}

export class InferenceGateway {
  private readonly shared = new SharedExecutions<ExecutionEvent>();
  private readonly embedBatchers = new Map<string, MicroBatcher<string, EmbeddedText>>();
  private readonly promptCosts: PromptCosts;
  private readonly attempts: BackendAttempts;
  private readonly slo = new SloWindow();
  private readonly served = new ServedShares();
  private completedCount = 0;
  private rejectedCount = 0;
  private closing = false;

  constructor(
    private readonly options: GatewayOptions,
    private readonly deps: GatewayDeps,
  ) {
    this.promptCosts = new PromptCosts({ ...deps, healthyBackends: () => this.healthyBackends(), contextTokens: () => deps.pool.contextTokens() }, options.tokenize);
    this.attempts = new BackendAttempts({ ...deps, dispatcher: deps.coldPool.holding(deps.dispatcher) }, options);
  }

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
      const outcome = signal.aborted ? "cancelled" : error instanceof OverloadedError ? "rejected" : "failed";
      if (outcome === "rejected") this.rejectedCount++;
      metrics.outcome(request.priority, outcome);
      this.deps.genAi.failed(request, performance.now() - arrivedAt, error, outcome === "cancelled");
      throw error;
    }
  }

  /**
   * `dimensions` asks the backend for shorter vectors (vLLM: matryoshka models only; it refuses
   * otherwise). `field` names the texts in a refusal of one beyond the model's context.
   */
  async embed(texts: string[], model: string, signal: AbortSignal, dimensions?: number, parent: Context = otelContext.active(), field = "texts"): Promise<EmbedResult> {
    const context = this.deps.pool.contextTokens();
    texts.forEach((text, i) => checkEstimateFitsContext(this.deps.estimator.estimate(text), 0, context, `${field}[${i}]`));
    const arrivedAt = performance.now();
    const span = this.deps.genAi.startEmbeddings(model, texts.length, parent);
    const key = `${model}\n${dimensions ?? ""}`;
    let batcher = this.embedBatchers.get(key);
    if (!batcher) {
      batcher = new MicroBatcher<string, EmbeddedText>({
        ...this.options.embeddingBatch,
        execute: (items, s) => this.embedBatch(items, model, s, dimensions),
      });
      this.embedBatchers.set(key, batcher);
    }
    let answer: Awaited<ReturnType<typeof batcher.submit>>;
    try {
      answer = await batcher.submit(texts, signal);
    } catch (error) {
      this.deps.genAi.embeddingsFailed(span, model, performance.now() - arrivedAt, error, signal.aborted);
      throw error;
    }
    const { results, batchedWith } = answer;
    if (batchedWith > texts.length) this.deps.metrics.coalescedRequest("embedding");
    // Exact when the call had the backend call to itself; a share of the batch's count otherwise.
    const promptTokens = Math.round(results.reduce((n, r) => n + r.promptTokens, 0));
    const served = results[0]?.model ?? model;
    this.deps.genAi.embedded(span, model, performance.now() - arrivedAt, {
      backendUrl: results[0]?.backend ?? "",
      responseModel: served,
      inputTokens: promptTokens,
      dimensions: results[0]?.vector.length ?? 0,
      batchedWith,
    });
    return { vectors: results.map((r) => r.vector), model: served, promptTokens, batchedWith };
  }

  async models(signal: AbortSignal): Promise<Array<{ id: string; maxModelLen?: number | undefined }>> {
    const backend = this.pickAny();
    try {
      return await backend.api.models(signal);
    } catch (error) {
      throw callerError(error, backend.id);
    }
  }

  status() {
    const now = performance.now();
    return {
      queues: this.deps.dispatcher.queue.snapshot().map((c) => ({ ...c, oldestWaitMs: c.oldestEnqueuedAt === undefined ? 0 : now - c.oldestEnqueuedAt })),
      backends: this.deps.pool.list(),
      estimator: this.deps.estimator.calibration(),
      requestsCompleted: this.completedCount,
      requestsRejected: this.rejectedCount,
      ...this.slo.snapshot(),
      tokenizerEndpoint: this.options.tokenize,
    };
  }

  /** Each tenant's shares (this replica), queue and budget use (all replicas), and where budgets are held. */
  async tenantStatus() {
    const { tenants, budgets, dispatcher } = this.deps;
    const served = this.served.snapshot();
    const queued = dispatcher.queue.tenantSnapshot();
    const names = [...new Set([...tenants.names(), ...served.map((s) => s.tenant), ...queued.map((q) => q.tenant)])];
    return {
      fairness: dispatcher.queue.fair,
      budgetStore: budgets.storeDescription,
      tenants: tenantStatusRows({
        configured: tenants.names(),
        weightOf: (t) => tenants.weight(t),
        tokensPerMinuteOf: (t) => tenants.settings(t).tokensPerMinute,
        served,
        queued,
        budgets: await budgets.status(names),
      }),
    };
  }

  /** Shutdown: nothing new is queued, what still waits is refused with UNAVAILABLE. */
  close() {
    this.closing = true;
    this.deps.dispatcher.rejectAll(new GatewayShuttingDown());
  }

  private async *execute(request: LlmRequest, arrivedAt: number, streaming: boolean, signal: AbortSignal, parent: Context): AsyncGenerator<ExecutionEvent> {
    if (this.closing) throw new GatewayShuttingDown();
    this.deps.coldPool.check({ priority: request.priority, deadlineAt: request.ttftDeadlineMs ? arrivedAt + request.ttftDeadlineMs : undefined });
    const { tokens: cost, prefix, calibrate } = await this.promptCosts.measure(request, signal);
    this.admit(request, cost);
    const requestId = randomUUID();
    const estimate = cost + request.sampling.maxTokens;
    // Its tenant's budget holds the estimate (prompt plus max output) until it ends, then its usage.
    const hold = await this.deps.budgets.reserve(request.tenant ?? DEFAULT_TENANT, requestId, estimate);
    let used: number | undefined;
    let delivered = false;
    try {
      const events = this.attempts.run(
        {
          request,
          requestId,
          streaming,
          arrivedAt,
          cost,
          serviceTokens: estimate,
          prefillMs: (cost / this.options.prefillTokensPerSecond) * 1_000,
          prefixKeys: prefixBlockKeys(prefix, this.options.prefixBlocks),
          // Counted: a block is its tokens; estimated: its share of the prompt's characters.
          prefixBlockTokens: typeof prefix === "string" ? (cost * this.options.prefixBlocks.blockChars) / Math.max(1, prefix.length) : this.options.prefixBlocks.blockTokens,
          parent,
          readmit: () => this.admit(request, cost),
        },
        signal,
      );
      for await (const event of events) {
        if (event.type === "done") {
          calibrate(event.usage.promptTokens);
          used = event.usage.promptTokens + event.usage.outputTokens;
        } else delivered = true;
        yield event;
      }
    } finally {
      // Refused or failed before any output: nothing used; cut short after some: the estimate stands.
      hold.settle(used ?? (delivered ? estimate : 0));
    }
  }

  /** Honest overload (scheduling/overload-refusal.ts): refuses at once when the queue is full or the TTFT deadline cannot be met. */
  private admit(request: LlmRequest, cost: number) {
    const { dispatcher, pool, queueWait } = this.deps;
    const queue = dispatcher.queue;
    const healthy = this.healthyBackends();
    const decision = decideOverload(
      {
        queueLength: queue.length,
        maxQueueLength: this.options.maxQueueLength,
        tokensAhead: (c) => queue.tokensAhead(request.priority, c, request.tenant),
        requestsAhead: (c) => queue.countAhead(request.priority, c, request.tenant),
        inFlightPrefillTokens: pool.list().reduce((n, b) => n + b.admission.inFlightPrefillTokens, 0),
        healthyBackends: healthy.length,
        prefillTokensPerSecond: this.options.prefillTokensPerSecond,
        tenantQueue: queue.tenantQueueShare(request.tenant ?? DEFAULT_TENANT, this.options.maxQueueLength),
        capacity: {
          slots: healthy.reduce((n, b) => n + b.admission.sequenceLimit, 0),
          running: healthy.reduce((n, b) => n + b.admission.inFlightSequences, 0),
          holdMs: queueWait.holdMs(),
        },
        queuePaceWaitMs: (ahead) => queueWait.waitMs(ahead),
        firstTokenMs: queueWait.firstTokenMs(),
      },
      // A cold pool that can be woken has judged the deadline against the wake already (cold-pool.ts):
      // with nothing healthy there is no pace or slot to judge it by here.
      { cost, ttftDeadlineMs: healthy.length === 0 && this.deps.coldPool.wakeable ? undefined : request.ttftDeadlineMs },
    );
    if (decision.refuse) {
      this.deps.metrics.refused(this.deps.tenants.metricsLabel(request.tenant ?? DEFAULT_TENANT), decision.reason.replace("-", "_"));
      throw new GatewayOverloaded(decision);
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
      return vectors.map((vector, i) => ({ vector, promptTokens: (promptTokens * estimates[i]!) / total, model: served, backend: backend.id }));
    } catch (error) {
      if (error instanceof BackendError && error.kind !== "rejected") this.deps.pool.failed(backend, error.message);
      throw callerError(error, backend.id);
    }
  }

  /** The least-loaded healthy backend, for calls that bypass the queue (embeddings, models). */
  private pickAny(): PooledBackend {
    const choice = this.deps.router.choose(this.healthyBackends(), []);
    if (!choice) throw new NoHealthyBackend();
    return choice.backend;
  }

  private healthyBackends(): PooledBackend[] {
    return this.deps.pool.list().filter((b) => b.healthy && !b.draining);
  }

  private completed(request: LlmRequest, timings: RequestTimings, usage: TokenCounts, execution: ExecutionInfo) {
    const tenant = request.tenant ?? DEFAULT_TENANT;
    this.completedCount++;
    if (!execution.coalesced) this.deps.queueWait.finished(timings.e2eMs - timings.queueMs, timings.prefillMs);
    this.slo.record(execution.metSlo);
    this.served.record(tenant, usage.promptTokens + usage.outputTokens);
    this.deps.metrics.completed(request.priority, timings, usage, execution.metSlo, this.deps.tenants.metricsLabel(tenant));
    this.deps.genAi.completed(request, timings);
    this.deps.record({
      requestId: execution.requestId,
      restaurantId: request.restaurantId || undefined,
      analysisType: request.analysisType || undefined,
      tenant,
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
    // Per tenant: each one's request is counted against its own share and budget.
    const { prompt, model, sampling, jsonSchema, tenant } = request;
    const digest = createHash("sha256").update(JSON.stringify({ prompt, model, sampling, jsonSchema, streaming, tenant })).digest("base64url");
    return request.idempotencyKey ? `key:${request.idempotencyKey}:${digest}` : digest;
  }
}

