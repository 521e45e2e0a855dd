// A discrete-step scheduler after vLLM V1's: one token budget per step, running requests first
// (their next decode token or prefill chunk), then waiting ones with chunked prefill, KV blocks
// allocated per step, and preemption by recompute of the lowest-ranked running request.
import { hashBlock } from "./block-hash.js";
import type { EngineRequest } from "./engine-request.js";
import type { KvBlockPool } from "./kv-block-pool.js";
import { RequestQueue, type SchedulingPolicy } from "./request-queue.js";
import type { StepPlan } from "./step-plan.js";

export interface SchedulerConfig {
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
  blockSize: number;
  policy: SchedulingPolicy;
  enablePrefixCaching: boolean;
  /** Caps one request's prefill chunk per step (vLLM's long_prefill_token_threshold); 0 = no cap. */
  longPrefillTokenThreshold: number;
}

export interface SchedulerEvents {
  onPreemption(request: EngineRequest): void;
  onPrefixCacheQuery(queriedTokens: number, hitTokens: number): void;
}

const NO_BLOCKS: readonly number[] = [];

export class Scheduler {
  running: EngineRequest[] = [];
  readonly waiting: RequestQueue;
  private nextSeq = 0;
  private frontSeq = 0;

  constructor(
    private readonly config: SchedulerConfig,
    readonly kv: KvBlockPool,
    private readonly events: SchedulerEvents,
  ) {
    this.waiting = new RequestQueue(config.policy);
  }

  add(request: EngineRequest): void {
    request.seq = this.nextSeq++;
    request.status = "waiting";
    this.waiting.push(request);
  }

  /** Fills `plan` for a step that starts at `nowMs` (requests that arrive later wait). */
  schedule(nowMs: number, plan: StepPlan): void {
    plan.reset();
    const cfg = this.config;
    let budget = cfg.maxNumBatchedTokens;
    const running = this.running;
    let i = 0;
    while (i < running.length && budget > 0) {
      const request = running[i]!;
      const n = this.chunk(request.tokens.length - request.numComputed, budget);
      let scheduled = true;
      while (!this.allocateSlots(request, n, NO_BLOCKS)) {
        const victimIndex = this.victimIndex();
        const victim = running[victimIndex]!;
        budget += plan.remove(victim);
        running.splice(victimIndex, 1);
        this.preempt(victim);
        plan.numPreempted++;
        if (victim === request) {
          scheduled = false;
          break;
        }
        if (victimIndex < i) i--;
      }
      if (!scheduled) continue;
      plan.add(request, n);
      this.cacheBlocks(request, request.numComputed + n);
      budget -= n;
      i++;
    }
    // As vLLM: no new admissions in a step that had to preempt.
    if (plan.numPreempted > 0) return;
    while (budget > 0 && this.waiting.length > 0 && running.length < cfg.maxNumSeqs) {
      const request = this.waiting.peek()!;
      if (request.arrivalMs > nowMs) break;
      const hits = request.numComputed === 0 && cfg.enablePrefixCaching ? this.cachedPrefix(request) : NO_BLOCKS;
      const hitTokens = hits.length * cfg.blockSize;
      const n = this.chunk(request.tokens.length - request.numComputed - hitTokens, budget);
      if (!this.allocateSlots(request, n, hits)) break;
      this.waiting.pop();
      if (cfg.enablePrefixCaching) this.events.onPrefixCacheQuery(request.tokens.length, hitTokens);
      if (Number.isNaN(request.firstScheduledMs)) {
        request.firstScheduledMs = nowMs;
        request.numCachedPromptTokens = hitTokens;
      }
      request.numComputed += hitTokens;
      request.status = "running";
      running.push(request);
      plan.add(request, n);
      this.cacheBlocks(request, request.numComputed + n);
      budget -= n;
    }
  }

  /** After a step: the scheduled tokens are computed. */
  markComputed(request: EngineRequest, numTokens: number): void {
    request.numComputed += numTokens;
  }

  /**
   * Full blocks of the tokens a step will compute become reusable by hash when they are scheduled,
   * as vLLM V1's allocate_slots caches them: a request scheduled later in the same step already hits
   * them (prompts sent together over a shared prefix compute it once).
   */
  private cacheBlocks(request: EngineRequest, numTokens: number): void {
    if (!this.config.enablePrefixCaching) return;
    const full = Math.floor(Math.min(numTokens, request.tokens.length) / this.config.blockSize);
    for (let b = request.numCommittedBlocks; b < full; b++) this.kv.commit(request.blocks[b]!, this.blockHash(request, b));
    if (full > request.numCommittedBlocks) request.numCommittedBlocks = full;
  }

  /** Frees a finished or aborted request's blocks; the caller drops it from `running`. */
  free(request: EngineRequest): void {
    // Tail blocks first, so they are evicted before the shared prefix (as vLLM).
    for (let b = request.blocks.length - 1; b >= 0; b--) this.kv.release(request.blocks[b]!);
    request.blocks = [];
  }

  private chunk(remaining: number, budget: number): number {
    const cap = this.config.longPrefillTokenThreshold;
    let n = remaining < budget ? remaining : budget;
    if (cap > 0 && n > cap) n = cap;
    return n;
  }

  private allocateSlots(request: EngineRequest, numNew: number, hits: readonly number[]): boolean {
    const bs = this.config.blockSize;
    const total = request.numComputed + hits.length * bs + numNew;
    const needed = Math.ceil(total / bs) - request.blocks.length - hits.length;
    let hitsOnFreeQueue = 0;
    for (const b of hits) if (this.kv.isFreeListed(b)) hitsOnFreeQueue++;
    if (needed > this.kv.numFree - hitsOnFreeQueue) return false;
    for (const b of hits) {
      this.kv.touch(b);
      request.blocks.push(b);
    }
    for (let k = 0; k < needed; k++) request.blocks.push(this.kv.allocate());
    return true;
  }

  /** FCFS preempts the newest running request; the priority policy the lowest-priority one. */
  private victimIndex(): number {
    const running = this.running;
    if (this.config.policy === "fcfs") return running.length - 1;
    let worst = 0;
    for (let k = 1; k < running.length; k++) {
      const a = running[k]!;
      const w = running[worst]!;
      if (a.priority > w.priority || (a.priority === w.priority && a.arrivalMs >= w.arrivalMs)) worst = k;
    }
    return worst;
  }

  private preempt(request: EngineRequest): void {
    this.free(request);
    request.numComputed = 0;
    request.numCommittedBlocks = 0;
    request.numPreemptions++;
    this.events.onPreemption(request);
    // Back to the front of the FCFS queue (vLLM prepends preempted requests).
    request.seq = --this.frontSeq;
    request.status = "waiting";
    this.waiting.push(request);
  }

  /** Longest run of cached full blocks, leaving at least the last token to compute (as vLLM). */
  private cachedPrefix(request: EngineRequest): number[] {
    const maxBlocks = Math.floor((request.tokens.length - 1) / this.config.blockSize);
    const hits: number[] = [];
    for (let b = 0; b < maxBlocks; b++) {
      const block = this.kv.lookup(this.blockHash(request, b));
      if (block === undefined) break;
      hits.push(block);
    }
    return hits;
  }

  private blockHash(request: EngineRequest, index: number): number {
    const hashes = request.blockHashes;
    const bs = this.config.blockSize;
    for (let b = hashes.length; b <= index; b++) hashes.push(hashBlock(b === 0 ? 0 : hashes[b - 1]!, request.tokens, b * bs, bs));
    return hashes[index]!;
  }
}
