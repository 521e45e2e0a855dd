// The in-process budget table: the same semantics as the Redis store for one gateway replica (and
// the fallback while Redis is down, when configured so).
import type { BudgetStore, BudgetUsage } from "./budget-store.js";
import { decideReservation, type BudgetLimits, type BudgetWindowOptions, type Reservation, type WindowEntry } from "./token-budget.js";

export interface LocalBudgetOptions extends BudgetWindowOptions {
  /** An in-flight slot not settled within this long is freed (a request that never reported its end). */
  readonly leaseMs: number;
  readonly clock?: () => number;
}

class TenantWindow {
  /** Entries by request id, in insertion (= time) order. */
  readonly entries = new Map<string, { at: number; tokens: number }>();
  /** In-flight request ids and when their lease ends. */
  readonly inFlight = new Map<string, number>();
  tokensUsed = 0;

  expire(now: number, windowMs: number) {
    for (const [id, entry] of this.entries) {
      if (entry.at > now - windowMs) break;
      this.tokensUsed -= entry.tokens;
      this.entries.delete(id);
    }
    for (const [id, until] of this.inFlight) if (until <= now) this.inFlight.delete(id);
  }

  get empty(): boolean {
    return this.entries.size === 0 && this.inFlight.size === 0;
  }
}

export class LocalBudgetTable implements BudgetStore {
  readonly description = "in-process table (this replica only)";
  private readonly tenants = new Map<string, TenantWindow>();
  private readonly clock: () => number;

  constructor(private readonly options: LocalBudgetOptions) {
    this.clock = options.clock ?? (() => Date.now());
  }

  async reserve(tenant: string, id: string, tokens: number, limits: BudgetLimits): Promise<Reservation> {
    const now = this.clock();
    const window = this.window(tenant, now);
    const decision = decideReservation(
      { tokensUsed: window.tokensUsed, inFlight: window.inFlight.size, entries: window.entries.values() as Iterable<WindowEntry> },
      tokens,
      limits,
      now,
      this.options,
    );
    if (decision.admitted) {
      window.entries.set(id, { at: now, tokens });
      window.tokensUsed += tokens;
      window.inFlight.set(id, now + this.options.leaseMs);
    }
    return decision;
  }

  async settle(tenant: string, id: string, actualTokens: number): Promise<void> {
    const window = this.tenants.get(tenant);
    if (!window) return;
    const entry = window.entries.get(id);
    // An entry already out of the window no longer counts, whatever it turned out to be.
    if (entry) {
      window.tokensUsed += actualTokens - entry.tokens;
      entry.tokens = actualTokens;
    }
    window.inFlight.delete(id);
  }

  async usage(tenant: string): Promise<BudgetUsage> {
    const window = this.window(tenant, this.clock());
    return { tokensUsed: window.tokensUsed, inFlight: window.inFlight.size };
  }

  async close(): Promise<void> {}

  private window(tenant: string, now: number): TenantWindow {
    let window = this.tenants.get(tenant);
    if (!window) {
      window = new TenantWindow();
      this.tenants.set(tenant, window);
    }
    window.expire(now, this.options.windowMs);
    return window;
  }
}
