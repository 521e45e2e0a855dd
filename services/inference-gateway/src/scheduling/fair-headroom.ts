// Headroom for tenants within their share: while several tenants are active, one holding more than
// its weighted share of the backends' sequence slots may not fill the last few of a backend, so a
// request of a tenant within its share finds a slot at once instead of waiting for one of the
// flooding tenant's requests to end. A tenant alone (none other active within the window) may fill
// everything. Pure (the clock is passed in).
//
// How many: a fixed count, or `auto`, sized from what the others need. Their requests already
// running hold their slots; what must be free is room for the others' next arrivals until a slot
// frees again. Free slots go down by one per arrival of the others (rate λ) and up by one per
// request that ends (rate μ, any tenant's) until the headroom is full again (the flooding tenant
// takes the rest). In that birth-death chain the chance an arrival finds no free slot is about
// ρ^N (1 - ρ), ρ = λ/μ, so N = ⌈ln(MISS) / ln ρ⌉ keeps it under MISS. λ/μ is measured over the
// window as the others' arrivals against the requests that ended (the window cancels out).

/** `auto`: the chance another tenant's request finds no free slot is kept under this. */
export const AUTO_HEADROOM_MISS = 0.01;

export interface FairHeadroomOptions {
  /** Sequence slots per backend kept for tenants within their share (0: none), or sized from their arrivals ("auto"). */
  seqs: number | "auto";
  /** A tenant counts as active this long after its last arrival or while it has requests in flight; `auto` measures rates over it. */
  activeWindowMs: number;
  weightOf(tenant: string): number;
  clock?: () => number;
}

/**
 * Slots to keep free for active others arriving at `othersArrivals` per `ended` requests ending in
 * the same time, at most `cap`; `cap` when they arrive as fast as slots free (or nothing ended yet
 * to measure). Others are active (that is why it is asked), so a window without one of their
 * arrivals counts one: a light tenant's gaps are often longer than the window, and a headroom of 0
 * then is what made its next request wait.
 */
export function autoHeadroomSeqs(othersArrivals: number, ended: number, cap: number): number {
  if (cap <= 0) return 0;
  const rho = ended > 0 ? Math.max(1, othersArrivals) / ended : Infinity;
  if (rho >= 1) return cap;
  return Math.min(cap, Math.max(1, Math.ceil(Math.log(AUTO_HEADROOM_MISS) / Math.log(rho))));
}

export class FairHeadroom {
  private readonly inFlight = new Map<string, number>();
  private readonly lastArrival = new Map<string, number>();
  /** Arrival times within the window, per tenant (`auto` only). */
  private readonly arrivals = new Map<string, number[]>();
  /** Times requests ended within the window (`auto` only). */
  private readonly ends: number[] = [];
  private readonly clock: () => number;

  constructor(private readonly options: FairHeadroomOptions) {
    this.clock = options.clock ?? (() => performance.now());
  }

  get enabled(): boolean {
    return this.options.seqs !== 0;
  }

  arrived(tenant: string): void {
    const now = this.clock();
    this.lastArrival.set(tenant, now);
    if (this.options.seqs !== "auto") return;
    const times = this.arrivals.get(tenant) ?? [];
    times.push(now);
    this.arrivals.set(tenant, times);
  }

  dispatched(tenant: string): void {
    this.inFlight.set(tenant, (this.inFlight.get(tenant) ?? 0) + 1);
  }

  ended(tenant: string): void {
    const n = (this.inFlight.get(tenant) ?? 0) - 1;
    if (n > 0) this.inFlight.set(tenant, n);
    else this.inFlight.delete(tenant);
    if (this.options.seqs === "auto") this.ends.push(this.clock());
  }

  /**
   * Slots `tenant` must leave free on each backend now: the headroom when it holds at least its
   * share of `capacity` (all backends' slots) while another tenant is active, else 0.
   */
  reservedFor(tenant: string, capacity: number, backends = 1): number {
    if (!this.enabled) return 0;
    const now = this.clock();
    const active = new Set(this.inFlight.keys());
    for (const [t, at] of this.lastArrival) {
      if (now - at <= this.options.activeWindowMs) active.add(t);
      else if (!this.inFlight.has(t)) this.lastArrival.delete(t);
    }
    active.add(tenant);
    if (active.size < 2) return 0;
    let weights = 0;
    for (const t of active) weights += this.options.weightOf(t);
    const share = (capacity * this.options.weightOf(tenant)) / weights;
    if ((this.inFlight.get(tenant) ?? 0) < share) return 0;
    if (this.options.seqs !== "auto") return this.options.seqs;
    // Never more than the others' shares: the tenant keeps its own.
    const total = autoHeadroomSeqs(this.othersArrivals(tenant, now), this.endedSince(now), Math.floor(capacity - share));
    return Math.ceil(total / Math.max(1, backends));
  }

  private othersArrivals(tenant: string, now: number): number {
    let n = 0;
    for (const [t, times] of this.arrivals) {
      dropBefore(times, now - this.options.activeWindowMs);
      if (times.length === 0) this.arrivals.delete(t);
      else if (t !== tenant) n += times.length;
    }
    return n;
  }

  private endedSince(now: number): number {
    dropBefore(this.ends, now - this.options.activeWindowMs);
    return this.ends.length;
  }
}

/** Drops the times before `from` from the front of an ascending list. */
function dropBefore(times: number[], from: number): void {
  let i = 0;
  while (i < times.length && times[i]! < from) i++;
  if (i > 0) times.splice(0, i);
}
