// Each tenant as GetStatus shows it: its weight and the share that weight gives it among the active
// tenants, the share of tokens it was served (this replica, last minute), what it has queued, and
// its budget's use (all replicas). Pure: the sources' snapshots in, rows out.
import type { TenantQueueSnapshot } from "../scheduling/prefill-cost-queue.js";
import type { ServedShare } from "./served-shares.js";
import type { TenantBudgetStatus } from "./tenant-budgets.js";

export interface TenantStatusRow {
  tenant: string;
  weight: number;
  /** weight / the weights of the tenants served or queued (its fair share when all are backlogged). */
  weightShare: number;
  servedShare: number;
  tokensServedLastMinute: number;
  queued: number;
  tokensPerMinute: number | undefined;
  budgetTokensPerWindow: number | undefined;
  budgetTokensUsed: number | undefined;
  maxInFlight: number | undefined;
  inFlight: number | undefined;
}

export function tenantStatusRows(o: {
  configured: readonly string[];
  weightOf(tenant: string): number;
  tokensPerMinuteOf(tenant: string): number | undefined;
  served: readonly ServedShare[];
  queued: readonly TenantQueueSnapshot[];
  budgets: readonly TenantBudgetStatus[];
}): TenantStatusRow[] {
  const queued = new Map<string, number>();
  for (const q of o.queued) queued.set(q.tenant, (queued.get(q.tenant) ?? 0) + q.depth);
  const served = new Map(o.served.map((s) => [s.tenant, s]));
  const active = new Set([...served.keys(), ...queued.keys()]);
  const activeWeight = [...active].reduce((n, t) => n + o.weightOf(t), 0);
  const budgets = new Map(o.budgets.map((b) => [b.tenant, b]));
  const names = [...new Set([...o.configured, ...active])].sort();
  return names.map((tenant) => {
    const budget = budgets.get(tenant);
    const weight = o.weightOf(tenant);
    return {
      tenant,
      weight,
      weightShare: active.has(tenant) ? weight / activeWeight : 0,
      servedShare: served.get(tenant)?.share ?? 0,
      tokensServedLastMinute: served.get(tenant)?.tokens ?? 0,
      queued: queued.get(tenant) ?? 0,
      tokensPerMinute: o.tokensPerMinuteOf(tenant),
      budgetTokensPerWindow: budget?.limits.tokensPerWindow,
      budgetTokensUsed: budget?.usage?.tokensUsed,
      maxInFlight: budget?.limits.maxInFlight,
      inFlight: budget?.usage?.inFlight,
    };
  });
}
