// The gateway's Prometheus metrics (names agreed with the watchdog, Helm HPAs and benchmarks).
import type { Attributes, Counter, Histogram, Meter } from "@opentelemetry/api";
import type { PriorityClass } from "./scheduling/priority-class.js";
import type { ClassSnapshot } from "./scheduling/prefill-cost-queue.js";
import type { PooledBackend } from "./backend-pool.js";
import type { RequestTimings } from "./request-timings.js";

export type RequestOutcome = "completed" | "failed" | "rejected" | "cancelled";

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30, 60, 120];
const TPOT_BUCKETS = [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1];

export interface MetricsSources {
  queue(): ClassSnapshot[];
  backends(): PooledBackend[];
}

export class GatewayMetrics {
  private readonly requests: Counter;
  private readonly goodput: Counter;
  private readonly coalesced: Counter;
  private readonly embeddingBatches: Counter;
  private readonly dispatches: Counter;
  private readonly promptTokens: Counter;
  private readonly outputTokens: Counter;
  private readonly cachedPromptTokens: Counter;
  private readonly ttft: Histogram;
  private readonly tpot: Histogram;
  private readonly queueTime: Histogram;
  private readonly e2e: Histogram;
  private readonly backpressureRefusals: Counter;
  private readonly tenantRefusals: Counter;

  constructor(meter: Meter, sources: MetricsSources) {
    this.requests = meter.createCounter("gateway_requests", { description: "LLM requests by priority class and outcome" });
    this.goodput = meter.createCounter("gateway_goodput_requests", { description: "completed LLM requests whose TTFT met the SLO" });
    this.coalesced = meter.createCounter("gateway_coalesced_requests", {
      description: "requests answered by a shared backend call: kind=identical (dedup) or embedding (micro-batch)",
    });
    this.dispatches = meter.createCounter("gateway_dispatches", {
      description: "requests dispatched to a backend by why they went: order (class, then shortest prefill), aged (ageing bound) or deadline",
    });
    this.embeddingBatches = meter.createCounter("gateway_embedding_batches", { description: "backend embedding calls" });
    this.promptTokens = meter.createCounter("gateway_prompt_tokens", { description: "prompt tokens of completed requests" });
    this.outputTokens = meter.createCounter("gateway_output_tokens", { description: "output tokens of completed requests" });
    this.cachedPromptTokens = meter.createCounter("gateway_cached_prompt_tokens", { description: "prompt tokens of completed requests the backend served from its prefix cache" });
    this.ttft = meter.createHistogram("gateway_ttft_seconds", { description: "arrival to first token", advice: { explicitBucketBoundaries: LATENCY_BUCKETS } });
    this.tpot = meter.createHistogram("gateway_tpot_seconds", { description: "time per output token after the first", advice: { explicitBucketBoundaries: TPOT_BUCKETS } });
    this.queueTime = meter.createHistogram("gateway_queue_time_seconds", { description: "wait in the gateway's queue", advice: { explicitBucketBoundaries: LATENCY_BUCKETS } });
    this.backpressureRefusals = meter.createCounter("gateway_backend_admission_rejections", {
      description: "requests a backend's own admission refused (503/429; vLLM's max_num_queued_reqs/_tokens), requeued, by backend and reason",
    });
    this.tenantRefusals = meter.createCounter("gateway_tenant_refusals", {
      description: "requests refused at admission by tenant and reason: tokens (over its tokens per minute), in_flight, too_large, budget_store_down, queue_full, deadline_unmeetable",
    });
    this.e2e = meter.createHistogram("gateway_e2e_seconds", { description: "arrival to last token", advice: { explicitBucketBoundaries: LATENCY_BUCKETS } });

    meter.createObservableGauge("gateway_queue_depth", { description: "requests waiting in the gateway by priority class" }).addCallback((r) => {
      for (const c of sources.queue()) r.observe(c.depth, { priority: c.priority });
    });
    meter.createObservableGauge("gateway_queued_prefill_tokens", { description: "prompt tokens waiting in the gateway by class" }).addCallback((r) => {
      for (const c of sources.queue()) r.observe(c.queuedTokens, { priority: c.priority });
    });
    meter.createObservableGauge("gateway_requests_in_flight", { description: "requests dispatched to a backend and not finished" }).addCallback((r) => {
      r.observe(sources.backends().reduce((n, b) => n + b.admission.inFlightSequences, 0));
    });
    meter.createObservableGauge("gateway_in_flight_prefill_tokens", { description: "prompt tokens dispatched whose first token has not arrived" }).addCallback((r) => {
      r.observe(sources.backends().reduce((n, b) => n + b.admission.inFlightPrefillTokens, 0));
    });
    meter.createObservableGauge("gateway_backend_in_flight_sequences", { description: "in-flight sequences per backend" }).addCallback((r) => {
      for (const b of sources.backends()) r.observe(b.admission.inFlightSequences, { backend: b.id });
    });
    meter.createObservableGauge("gateway_backend_sequence_limit", { description: "admission budget of sequences per backend (adapted)" }).addCallback((r) => {
      for (const b of sources.backends()) r.observe(b.admission.sequenceLimit, { backend: b.id });
    });
    meter.createObservableGauge("gateway_backend_healthy", { description: "1 when the backend takes traffic" }).addCallback((r) => {
      for (const b of sources.backends()) r.observe(b.healthy && !b.draining ? 1 : 0, { backend: b.id });
    });
  }

  outcome(priority: PriorityClass, outcome: RequestOutcome) {
    this.requests.add(1, { priority, outcome });
  }

  /** `tenant`: its metrics label (configured tenants by name, others as `other`). */
  completed(
    priority: PriorityClass,
    timings: RequestTimings,
    tokens: { promptTokens: number; outputTokens: number; cachedPromptTokens: number },
    metSlo: boolean,
    tenant = "default",
  ) {
    const attrs: Attributes = { priority };
    // Queue wait and tokens served by tenant and class.
    const byTenant: Attributes = { priority, tenant };
    this.outcome(priority, "completed");
    if (metSlo) this.goodput.add(1, attrs);
    this.ttft.record(timings.ttftMs / 1_000, attrs);
    if (timings.tpotMs > 0) this.tpot.record(timings.tpotMs / 1_000, attrs);
    this.queueTime.record(timings.queueMs / 1_000, byTenant);
    this.e2e.record(timings.e2eMs / 1_000, attrs);
    this.promptTokens.add(tokens.promptTokens, byTenant);
    this.outputTokens.add(tokens.outputTokens, byTenant);
    this.cachedPromptTokens.add(tokens.cachedPromptTokens, attrs);
  }

  refused(tenant: string, reason: string) {
    this.tenantRefusals.add(1, { tenant, reason });
  }

  coalescedRequest(kind: "identical" | "embedding") {
    this.coalesced.add(1, { kind });
  }

  dispatched(reason: string, priority: PriorityClass) {
    this.dispatches.add(1, { reason, priority });
  }

  backpressure(backend: string, reason: string) {
    this.backpressureRefusals.add(1, { backend, reason });
  }

  embeddingBatch() {
    this.embeddingBatches.add(1);
  }
}
