// The virtual token counter (VTC) of "Fairness in Serving Large Language Models" (Sheng et al.,
// OSDI 2024), for one priority class: each tenant's service in tokens (prefill plus output) divided
// by its weight. The backlogged tenant with the least counter goes next; a tenant that becomes
// backlogged again is lifted to the least counter of those backlogged (or, with none, to the counter
// of the tenant served last), so idle time banks no credit. Work-conserving: a tenant alone gets all.

export class VirtualTokenCounter {
  private readonly counters = new Map<string, number>();
  /** The counter of the tenant served last (the lift when nobody else is backlogged). */
  private lastServed = 0;

  constructor(private readonly weightOf: (tenant: string) => number) {}

  /** Weighted service so far (tokens / weight). */
  counter(tenant: string): number {
    return this.counters.get(tenant) ?? 0;
  }

  weight(tenant: string): number {
    return this.weightOf(tenant);
  }

  /** `tenant` had nothing queued and now has: lift its counter to the active minimum. */
  activate(tenant: string, backloggedOthers: Iterable<string>): void {
    let floor = Infinity;
    for (const other of backloggedOthers) if (other !== tenant) floor = Math.min(floor, this.counter(other));
    if (floor === Infinity) floor = this.lastServed;
    this.counters.set(tenant, Math.max(this.counter(tenant), floor));
  }

  /** A request of `tenant` was dispatched: its expected service (prefill + output tokens) counts now. */
  charge(tenant: string, tokens: number): void {
    const value = this.counter(tenant) + tokens / this.weightOf(tenant);
    this.counters.set(tenant, value);
    this.lastServed = value;
  }

  /** The request ended: what it was charged becomes what it was actually served. */
  settle(tenant: string, charged: number, actual: number): void {
    if (actual === charged) return;
    this.counters.set(tenant, this.counter(tenant) + (actual - charged) / this.weightOf(tenant));
  }

  /** Forgets tenants at or below `floor` that have nothing queued: a lift would restore them anyway. */
  prune(floor: number, backlogged: (tenant: string) => boolean): void {
    for (const [tenant, value] of this.counters) if (value <= floor && !backlogged(tenant)) this.counters.delete(tenant);
  }

  get size(): number {
    return this.counters.size;
  }
}
