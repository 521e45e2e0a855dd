// Headroom for tenants within their share: while several tenants are active, one holding more than
// its weighted share of the backends' sequence slots may not fill the last few of a backend, so a
// request of a tenant within its share finds a slot at once instead of waiting for one of the
// flooding tenant's requests to end. A tenant alone (none other active within the window) may fill
// everything. Pure (the clock is passed in).

export interface FairHeadroomOptions {
  /** Sequence slots per backend kept for tenants within their share (0: none). */
  seqs: number;
  /** A tenant counts as active this long after its last arrival or while it has requests in flight. */
  activeWindowMs: number;
  weightOf(tenant: string): number;
  clock?: () => number;
}

export class FairHeadroom {
  private readonly inFlight = new Map<string, number>();
  private readonly lastArrival = new Map<string, number>();
  private readonly clock: () => number;

  constructor(private readonly options: FairHeadroomOptions) {
    this.clock = options.clock ?? (() => performance.now());
  }

  get seqs(): number {
    return this.options.seqs;
  }

  arrived(tenant: string): void {
    this.lastArrival.set(tenant, this.clock());
  }

  dispatched(tenant: string): void {
    this.inFlight.set(tenant, (this.inFlight.get(tenant) ?? 0) + 1);
  }

  ended(tenant: string): void {
    const n = (this.inFlight.get(tenant) ?? 0) - 1;
    if (n > 0) this.inFlight.set(tenant, n);
    else this.inFlight.delete(tenant);
  }

  /** Slots `tenant` must leave free on a backend now: the headroom when it holds more than its share of `capacity`. */
  reservedFor(tenant: string, capacity: number): number {
    if (this.options.seqs === 0) return 0;
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
    return (this.inFlight.get(tenant) ?? 0) >= share ? this.options.seqs : 0;
  }
}
