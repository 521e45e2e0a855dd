// Admission control for one backend: requests wait in the gateway, not in vLLM. A request is
// dispatched only while the backend's in-flight sequences and in-flight prefill tokens are under
// budgets derived from its max_num_seqs / max_num_batched_tokens, and the sequence budget shrinks
// when the backend's live waiting count shows it cannot take more (KV cache full).
import type { PriorityClass } from "./priority-class.js";

export interface BackendCapacity {
  /** vLLM's --max-num-seqs. */
  maxNumSeqs: number;
  /** vLLM's --max-num-batched-tokens (the per-step token budget). */
  maxNumBatchedTokens: number;
}

export interface AdmissionOptions {
  /** Prefill tokens in flight (dispatched, no first token yet), in steps of max_num_batched_tokens. */
  prefillBudgetSteps: number;
  /** Share of max_num_seqs the gateway may fill (leaves room for other clients of the backend). */
  seqBudgetFraction: number;
  /** KV-cache usage (0-1) above which no new sequence is admitted. */
  kvCacheHighWater: number;
  /**
   * Steps of prefill budget beyond the full budget that the interactive class may fill, so an
   * interactive request never waits in the gateway for a batch's prefill to make room.
   */
  interactiveHeadroomSteps: number;
  /**
   * While interactive requests or short prompts are arriving, the prefill budget of the other
   * classes in steps: such a request then finds at most this much prefill ahead of it in vLLM's
   * FCFS queue, and vLLM's steps stay short enough for it.
   * Otherwise `prefillBudgetSteps` applies, which keeps a batch's steps full.
   */
  interactivePrefillBudgetSteps: number;
  /**
   * Prompts of at most this many tokens need no free prefill budget, only room within its one-step
   * overshoot: one barely lengthens a step, and holding it back behind large prompts is what would
   * cost it its TTFT. 0 turns this off.
   */
  shortPromptTokens: number;
  /** First pause after the backend refuses with 503/429 (its own admission); doubles per refusal in a row. */
  backpressureBackoffMs?: number;
  backpressureMaxBackoffMs?: number;
  /** Milliseconds now (tests pass their own). */
  clock?: () => number;
}

export interface BackendLoadSample {
  running: number;
  waiting: number;
  kvCacheUsage: number;
}

export class AdmissionController {
  private seqs = 0;
  private prefillTokens = 0;
  private prefilling = 0;
  private seqLimit: number;
  private kvFull = false;
  private excessSamples = 0;
  private readonly kvHighWater: number;
  readonly maxSeqs: number;
  readonly prefillBudget: number;
  private readonly interactiveHeadroom: number;
  private readonly latencyBudget: number;
  private readonly shortPromptTokens: number;
  private readonly clock: () => number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private backoffMs = 0;
  private pausedUntil = 0;
  /** The sequence budget was cut by a refusal: it grows back by one per first token. */
  private cutByBackpressure = false;

  constructor(
    readonly capacity: BackendCapacity,
    options: AdmissionOptions,
  ) {
    this.maxSeqs = Math.max(1, Math.floor(capacity.maxNumSeqs * options.seqBudgetFraction));
    this.prefillBudget = Math.max(1, Math.round(capacity.maxNumBatchedTokens * options.prefillBudgetSteps));
    this.seqLimit = this.maxSeqs;
    this.interactiveHeadroom = Math.round(capacity.maxNumBatchedTokens * options.interactiveHeadroomSteps);
    this.latencyBudget = Math.min(this.prefillBudget, Math.max(1, Math.round(capacity.maxNumBatchedTokens * options.interactivePrefillBudgetSteps)));
    this.kvHighWater = options.kvCacheHighWater;
    this.shortPromptTokens = options.shortPromptTokens;
    this.clock = options.clock ?? (() => performance.now());
    this.backoffBaseMs = options.backpressureBackoffMs ?? 100;
    this.backoffMaxMs = Math.max(this.backoffBaseMs, options.backpressureMaxBackoffMs ?? 2_000);
  }

  get inFlightSequences(): number {
    return this.seqs;
  }

  get inFlightPrefillTokens(): number {
    return this.prefillTokens;
  }

  /** The sequence budget now (adapted from the backend's live metrics). */
  get sequenceLimit(): number {
    return this.seqLimit;
  }

  /**
   * Whether a request of this prefill cost may be dispatched now: while the in-flight prefill is
   * under the budget, overshooting it by at most one step. A refill reaches the backend one step
   * late (the next step is scheduled the moment a first token comes out), so the budget must be
   * full, not nearly full, for the step after next to be; an exact fit would leave up to one prompt
   * of each step empty. A short prompt needs only room within the overshoot. A prompt larger than
   * that goes alone, once nothing else is prefilling, so it is never shut out.
   * `latencySensitive`: this class keeps to the smaller budget now (see LatencySensitiveArrivals).
   * `reservedSeqs`: sequence slots this request must leave free (FairHeadroom).
   */
  hasRoomFor(cost: number, priority: PriorityClass = "standard", latencySensitive = false, reservedSeqs = 0): boolean {
    if (this.pausedMs() > 0) return false;
    if (this.seqs >= this.seqLimit || (this.kvFull && this.seqs > 0)) return false;
    // Slots kept for others (fair headroom) never shut a backend off entirely.
    if (reservedSeqs > 0 && this.seqs > 0 && this.seqs + reservedSeqs >= this.seqLimit) return false;
    if (this.prefillTokens === 0) return true;
    const budget = this.prefillBudgetFor(priority, latencySensitive);
    const withinOvershoot = this.prefillTokens + cost <= budget + this.capacity.maxNumBatchedTokens;
    return withinOvershoot && (this.prefillTokens < budget || this.isShortPrompt(cost));
  }

  isShortPrompt(cost: number): boolean {
    return cost <= this.shortPromptTokens;
  }

  /**
   * Interactive requests may fill their headroom beyond the full budget (the others' budget when
   * they do not shrink, as under backend priority); the others shrink to the smaller budget while
   * latency-sensitive requests arrive.
   */
  private prefillBudgetFor(priority: PriorityClass, latencySensitive: boolean): number {
    if (priority === "interactive") return this.prefillBudget + this.interactiveHeadroom;
    return latencySensitive ? this.latencyBudget : this.prefillBudget;
  }

  /** 0 when idle, 1 when a budget is exhausted: the load the router compares across backends. */
  load(): number {
    return Math.max(this.seqs / this.maxSeqs, this.prefillTokens / this.prefillBudget);
  }

  dispatched(cost: number): void {
    this.seqs++;
    this.prefillTokens += cost;
    this.prefilling++;
  }

  /** The first output token arrived: the prompt left the backend's prefill work (room for vLLM's token cap). */
  prefilled(cost: number): void {
    this.prefillTokens = Math.max(0, this.prefillTokens - cost);
    this.prefilling = Math.max(0, this.prefilling - 1);
    this.pausedUntil = 0;
    this.backoffMs = 0;
    if (this.cutByBackpressure) {
      this.seqLimit = Math.min(this.maxSeqs, this.seqLimit + 1);
      this.cutByBackpressure = this.seqLimit < this.maxSeqs;
    }
  }

  /** The request ended; `prefilledAlready` says whether prefilled() was called for it. */
  finished(cost: number, prefilledAlready: boolean): void {
    if (!prefilledAlready) this.prefillTokens = Math.max(0, this.prefillTokens - cost);
    if (!prefilledAlready) this.prefilling = Math.max(0, this.prefilling - 1);
    this.seqs = Math.max(0, this.seqs - 1);
    // One of ours left the backend: a slot under its request cap is free again.
    this.pausedUntil = 0;
  }

  /**
   * The backend refused a request with 503/429 (vLLM's engine-side admission): it is full, not
   * broken. Call after finished() for that request. Nothing new goes to it until one of ours leaves
   * it (finished/prefilled: room under its caps) or the backoff passes (another client's requests
   * may be the ones filling it); the sequence budget drops to what it holds now, so the gateway
   * does not refill it past the cap at once, and grows back by one per first token (a backend
   * without metrics has no other way to show room). `retryAfterMs`: the backend's own hint, if any.
   * Returns the pause in milliseconds.
   */
  pushedBack(retryAfterMs?: number): number {
    this.backoffMs = retryAfterMs ?? Math.min(this.backoffMaxMs, this.backoffMs === 0 ? this.backoffBaseMs : this.backoffMs * 2);
    this.pausedUntil = this.clock() + this.backoffMs;
    this.seqLimit = Math.max(1, Math.min(this.seqLimit, this.seqs));
    this.cutByBackpressure = this.seqLimit < this.maxSeqs;
    return this.backoffMs;
  }

  /** Milliseconds left of a push-back pause (0: open). */
  pausedMs(): number {
    return this.pausedUntil === 0 ? 0 : Math.max(0, this.pausedUntil - this.clock());
  }

  /** Our requests waiting for their first token now (sample it when a scrape starts). */
  get prefillingRequests(): number {
    return this.prefilling;
  }

  /**
   * Adapts the sequence budget to the backend's scraped metrics. Waiting requests beyond our own
   * prefilling ones (which wait for a chunk of the step budget by design) mean the backend cannot
   * run more sequences: after two such samples in a row the budget drops to what it runs. No
   * excess: it doubles a sample (up to max_num_seqs), so a budget cut by a transient (another
   * client's burst) is back within a few probes instead of starving the gateway for a minute.
   * `prefillingAtScrape` is our count when the scrape started (the larger of then and now is used,
   * since first tokens may arrive meanwhile).
   */
  observe(sample: BackendLoadSample, prefillingAtScrape = this.prefilling): void {
    this.kvFull = sample.kvCacheUsage >= this.kvHighWater;
    const excess = sample.waiting - Math.max(this.prefilling, prefillingAtScrape);
    this.excessSamples = excess > 0 ? this.excessSamples + 1 : 0;
    if (this.excessSamples >= 2) {
      this.seqLimit = Math.max(1, Math.min(this.seqLimit, this.seqs - excess));
    } else if (excess <= 0 && !this.kvFull) {
      this.seqLimit = Math.min(this.maxSeqs, this.seqLimit * 2);
    }
  }
}
