// vLLM's Prometheus metrics (V1 names, types, labels and buckets), fed from the engine's own
// virtual-time timestamps, so they read what vLLM on the profiled GPU would report.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { EngineObserver } from "../engine/engine-core.js";
import type { EngineRequest } from "../engine/engine-request.js";
import type { StepRecord } from "../engine/step-log.js";
import { ADMISSION_REJECT_REASONS, type AdmissionRejectReason } from "../http/queue-admission.js";

export interface EngineGauges {
  readonly numRunning: number;
  readonly numWaiting: number;
  readonly kvUsage: number;
}

const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const ITL_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
const REQUEST_LATENCY_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
const ITERATION_TOKEN_BUCKETS = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

/** vLLM's build_1_2_5_buckets: 1, 2, 5, 10, 20, 50, ... up to max. */
function oneTwoFive(max: number): number[] {
  const out: number[] = [];
  for (let exp = 1; ; exp *= 10) {
    for (const m of [1, 2, 5]) {
      if (m * exp > max) return out;
      out.push(m * exp);
    }
  }
}

export class VllmMetrics implements EngineObserver {
  readonly registry = new Registry();
  private readonly labels: { model_name: string; engine: string };
  private readonly promptTokens;
  private readonly generationTokens;
  private readonly preemptions;
  private readonly prefixQueries;
  private readonly prefixHits;
  private readonly success;
  private readonly iterationTokens;
  private readonly ttft;
  private readonly itl;
  private readonly tpot;
  private readonly e2e;
  private readonly queueTime;
  private readonly inferenceTime;
  private readonly prefillTime;
  private readonly decodeTime;
  private readonly requestPromptTokens;
  private readonly requestGenerationTokens;
  private readonly admissionRejections;

  constructor(modelName: string, maxModelLen: number, gauges: EngineGauges) {
    const labelNames = ["model_name", "engine"] as const;
    this.labels = { model_name: modelName, engine: "0" };
    const registers = [this.registry];
    const labels = this.labels;
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, labelNames, registers, collect() { this.set(labels, read()); } });
    gauge("vllm:num_requests_running", "Number of requests in model execution batches.", () => gauges.numRunning);
    gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", () => gauges.numWaiting);
    gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", () => gauges.kvUsage);
    // Every series exists from the start, at zero, as in vLLM (prometheus_client creates labelled children eagerly).
    const counter = (name: string, help: string) => {
      const child = new Counter({ name, help, labelNames, registers }).labels(labels);
      child.inc(0);
      return child;
    };
    this.promptTokens = counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.");
    this.generationTokens = counter("vllm:generation_tokens_total", "Number of generation tokens processed.");
    this.preemptions = counter("vllm:num_preemptions_total", "Cumulative number of preemption from the engine.");
    this.prefixQueries = counter("vllm:prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens.");
    this.prefixHits = counter("vllm:prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.");
    this.success = new Counter({
      name: "vllm:request_success_total",
      help: "Count of successfully processed requests.",
      labelNames: [...labelNames, "finished_reason"],
      registers,
    });
    for (const reason of ["stop", "length", "abort"]) this.success.inc({ ...labels, finished_reason: reason }, 0);
    const histogram = (name: string, help: string, buckets: number[]) => {
      const h = new Histogram({ name, help, labelNames, buckets, registers });
      h.zero(labels);
      return h.labels(labels);
    };
    this.iterationTokens = histogram("vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.", ITERATION_TOKEN_BUCKETS);
    this.ttft = histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", TTFT_BUCKETS);
    this.itl = histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", ITL_BUCKETS);
    this.tpot = histogram("vllm:time_per_output_token_seconds", "Histogram of time per output token in seconds.", ITL_BUCKETS);
    const latency = (name: string, help: string) => histogram(name, help, REQUEST_LATENCY_BUCKETS);
    this.e2e = latency("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.");
    this.queueTime = latency("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.");
    this.inferenceTime = latency("vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.");
    this.prefillTime = latency("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.");
    this.decodeTime = latency("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.");
    const tokenBuckets = oneTwoFive(maxModelLen);
    this.requestPromptTokens = histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", tokenBuckets);
    this.requestGenerationTokens = histogram("vllm:request_generation_tokens", "Number of generation tokens processed.", tokenBuckets);
    // vLLM PR #55812's counter: one per refused admission attempt, labelled by the cap that fired, no `engine` label.
    this.admissionRejections = new Counter({
      name: "vllm:admission_rejections_total",
      help: "Requests rejected by admission control (max_num_queued_reqs / max_num_queued_tokens).",
      labelNames: ["model_name", "reason"],
      registers,
    });
    for (const reason of ADMISSION_REJECT_REASONS) this.admissionRejections.inc({ model_name: modelName, reason }, 0);
  }

  onAdmissionRejected(reason: AdmissionRejectReason): void {
    this.admissionRejections.inc({ model_name: this.labels.model_name, reason });
  }

  onStep(step: StepRecord): void {
    this.iterationTokens.observe(step.prefillTokens + step.decodeSeqs);
    if (step.generatedTokens > 0) this.generationTokens.inc(step.generatedTokens);
  }

  onPreemption(): void {
    this.preemptions.inc();
  }

  onPrefixCacheQuery(queriedTokens: number, hitTokens: number): void {
    this.prefixQueries.inc(queriedTokens);
    if (hitTokens > 0) this.prefixHits.inc(hitTokens);
  }

  onFirstToken(request: EngineRequest): void {
    this.promptTokens.inc(request.numPromptTokens);
    this.ttft.observe((request.firstTokenMs - request.arrivalMs) / 1000);
  }

  onInterTokenLatency(ms: number): void {
    this.itl.observe(ms / 1000);
  }

  onRequestFinished(request: EngineRequest): void {
    const reason = request.finishReason ?? "abort";
    this.success.inc({ ...this.labels, finished_reason: reason });
    const s = (ms: number) => ms / 1000;
    this.e2e.observe(s(request.finishedMs - request.arrivalMs));
    if (Number.isNaN(request.firstScheduledMs)) return; // aborted while waiting
    this.queueTime.observe(s(request.firstScheduledMs - request.arrivalMs));
    this.requestPromptTokens.observe(request.numPromptTokens);
    this.requestGenerationTokens.observe(request.numOutput);
    if (Number.isNaN(request.firstTokenMs)) return;
    this.inferenceTime.observe(s(request.lastTokenMs - request.firstScheduledMs));
    this.prefillTime.observe(s(request.firstTokenMs - request.firstScheduledMs));
    this.decodeTime.observe(s(request.lastTokenMs - request.firstTokenMs));
    if (request.numOutput > 1) this.tpot.observe(s((request.lastTokenMs - request.firstTokenMs) / (request.numOutput - 1)));
  }
}
