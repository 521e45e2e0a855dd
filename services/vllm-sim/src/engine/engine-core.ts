// The engine between steps: admits, schedules and costs a step, then applies its results (tokens,
// finishes, aborts) at the step's end time. No timers and no I/O: the step loop drives it.
import { stepDurationMs, type CostProfile, type StepShape } from "./cost-model.js";
import type { EngineRequest, FinishReason } from "./engine-request.js";
import { KvBlockPool } from "./kv-block-pool.js";
import { Scheduler, type SchedulerConfig } from "./scheduler.js";
import { StepLog, type StepRecord } from "./step-log.js";
import { StepPlan } from "./step-plan.js";

export interface EngineConfig extends SchedulerConfig {
  profile: CostProfile;
  /** KV capacity in tokens (rounded down to whole blocks). */
  kvCapacityTokens: number;
  stepLogCapacity?: number;
}

/** What metrics need from the engine, with engine timestamps in virtual milliseconds. */
export interface EngineObserver {
  onStep(step: StepRecord): void;
  onPreemption(): void;
  onPrefixCacheQuery(queriedTokens: number, hitTokens: number): void;
  onFirstToken(request: EngineRequest): void;
  onInterTokenLatency(ms: number): void;
  onRequestFinished(request: EngineRequest): void;
}

export class EngineCore {
  readonly scheduler: Scheduler;
  readonly steps: StepLog;
  private readonly plan = new StepPlan();
  private readonly shape: StepShape = { decodeSeqs: 0, decodeContextTokens: 0, prefillTokens: 0, prefillAttention: 0 };
  private readonly record: StepRecord = {
    index: 0, startMs: 0, durationMs: 0, decodeSeqs: 0, decodeContextTokens: 0, prefillSeqs: 0, prefillTokens: 0,
    prefillAttention: 0, generatedTokens: 0, preempted: 0, running: 0, waiting: 0, kvUsage: 0, lagMs: 0,
  };
  private dirty: EngineRequest[] = [];
  private stepIndex = 0;
  private finishedInStep = 0;
  private prefillBacklog = 0;
  inStep = false;

  constructor(
    readonly config: EngineConfig,
    private readonly observer: EngineObserver,
  ) {
    const numBlocks = Math.floor(config.kvCapacityTokens / config.blockSize);
    this.scheduler = new Scheduler(config, new KvBlockPool(numBlocks), {
      onPreemption: () => observer.onPreemption(),
      onPrefixCacheQuery: (q, h) => observer.onPrefixCacheQuery(q, h),
    });
    this.steps = new StepLog(config.stepLogCapacity ?? 4096);
  }

  get numRunning(): number {
    return this.scheduler.running.length;
  }

  get numWaiting(): number {
    return this.scheduler.waiting.length;
  }

  get kvUsage(): number {
    return this.scheduler.kv.usage;
  }

  /** Requests in the engine, waiting or running (what vLLM's --max-num-queued-reqs counts). */
  get numUnfinished(): number {
    return this.scheduler.running.length + this.scheduler.waiting.length;
  }

  /** Prompt tokens of requests before their first token (what vLLM's --max-num-queued-tokens counts). */
  get numPrefillBacklogTokens(): number {
    return this.prefillBacklog;
  }

  get hasWork(): boolean {
    return this.scheduler.running.length > 0 || this.scheduler.waiting.length > 0;
  }

  submit(request: EngineRequest, nowMs: number): void {
    request.arrivalMs = nowMs;
    this.prefillBacklog += request.numPromptTokens;
    this.scheduler.add(request);
  }

  /** Aborts now when the request is not part of a step in flight, else when that step ends. */
  abort(request: EngineRequest, nowMs: number): void {
    if (request.status === "finished") return;
    if (request.status === "waiting") {
      this.scheduler.waiting.remove(request);
      this.finish(request, "abort", nowMs);
    } else if (this.inStep) {
      request.abortRequested = true;
    } else {
      this.finish(request, "abort", nowMs);
      this.dropFinished();
    }
  }

  /** Plans the step that starts at `nowMs`; returns its duration, or null when nothing can run. */
  beginStep(nowMs: number): number | null {
    this.scheduler.schedule(nowMs, this.plan);
    if (this.plan.isEmpty) return null;
    const shape = this.plan.shape(this.shape);
    const duration = stepDurationMs(this.config.profile, shape);
    const r = this.record;
    r.index = this.stepIndex++;
    r.startMs = nowMs;
    r.durationMs = duration;
    r.decodeSeqs = shape.decodeSeqs;
    r.decodeContextTokens = shape.decodeContextTokens;
    r.prefillSeqs = this.plan.requests.length - shape.decodeSeqs;
    r.prefillTokens = shape.prefillTokens;
    r.prefillAttention = shape.prefillAttention;
    r.preempted = this.plan.numPreempted;
    this.inStep = true;
    return duration;
  }

  /** Applies the planned step at its end time: every request that computed its last token samples one. */
  endStep(endMs: number, lagMs = 0): void {
    const { requests, numTokens } = this.plan;
    let generated = 0;
    for (let k = 0; k < requests.length; k++) {
      const request = requests[k]!;
      if (request.status !== "running") continue;
      this.scheduler.markComputed(request, numTokens[k]!);
      if (request.abortRequested) {
        this.finish(request, "abort", endMs);
        continue;
      }
      if (request.numComputed < request.tokens.length) continue; // a prefill chunk that is not the last
      generated++;
      this.emitToken(request, endMs);
    }
    for (const request of this.scheduler.running) if (request.abortRequested && request.status === "running") this.finish(request, "abort", endMs);
    this.dropFinished();
    this.inStep = false;
    const r = this.record;
    r.generatedTokens = generated;
    r.running = this.scheduler.running.length;
    r.waiting = this.scheduler.waiting.length;
    r.kvUsage = this.scheduler.kv.usage;
    r.lagMs = lagMs;
    this.steps.record(r);
    this.observer.onStep(r);
  }

  /** Requests with news for their listener since the last call. */
  takeDirty(): EngineRequest[] {
    const out = this.dirty;
    this.dirty = [];
    for (const request of out) request.dirty = false;
    return out;
  }

  private emitToken(request: EngineRequest, nowMs: number): void {
    const id = request.output.sample();
    request.tokens.push(id);
    request.numOutput++;
    if (Number.isNaN(request.firstTokenMs)) {
      request.firstTokenMs = nowMs;
      this.prefillBacklog -= request.numPromptTokens;
      this.observer.onFirstToken(request);
    } else {
      this.observer.onInterTokenLatency(nowMs - request.lastTokenMs);
    }
    request.lastTokenMs = nowMs;
    let reason = request.output.accept(id);
    if (reason === null && request.tokens.length >= this.config.profile.maxModelLen) reason = "length";
    if (reason !== null) this.finish(request, reason, nowMs);
    else this.markDirty(request);
  }

  private finish(request: EngineRequest, reason: FinishReason, nowMs: number): void {
    request.status = "finished";
    request.finishReason = reason;
    request.finishedMs = nowMs;
    if (Number.isNaN(request.firstTokenMs)) this.prefillBacklog -= request.numPromptTokens;
    this.scheduler.free(request);
    this.finishedInStep++;
    this.observer.onRequestFinished(request);
    this.markDirty(request);
  }

  private markDirty(request: EngineRequest): void {
    if (request.dirty) return;
    request.dirty = true;
    this.dirty.push(request);
  }

  private dropFinished(): void {
    if (this.finishedInStep === 0) return;
    this.finishedInStep = 0;
    this.scheduler.running = this.scheduler.running.filter((r) => r.status === "running");
  }
}
