// Tenants' budgets as the gateway applies them: before a request is queued its estimate (prompt
// tokens plus max output tokens) is reserved against its tenant's tokens per minute and requests in
// flight; when it ends, the reservation is settled to the tokens it actually used. Tenants without
// a budget never reach the store.
import type { Logger } from "@reviewlens/runtime";
import { BudgetStoreDown, TenantOverBudget, TenantRequestExceedsBudget } from "../gateway-errors.js";
import { BudgetStoreUnreachable, type BudgetStore, type BudgetUsage } from "./budget-store.js";
import type { TenantDirectory } from "./tenant-directory.js";
import { tokensPerWindow, type BudgetLimits } from "./token-budget.js";

/** A reservation held by a request until it ends. */
export interface BudgetHold {
  /** The request ended having used `actualTokens` (prompt plus output); call once. */
  settle(actualTokens: number): void;
}

const NOTHING_HELD: BudgetHold = { settle() {} };

export interface TenantBudgetStatus {
  tenant: string;
  limits: BudgetLimits;
  usage: BudgetUsage | undefined;
}

export class TenantBudgets {
  constructor(
    private readonly directory: TenantDirectory,
    private readonly store: BudgetStore | undefined,
    private readonly windowMs: number,
    private readonly logger: Logger,
    /** Told of each refusal (metrics). */
    private readonly onRefused: (tenant: string, reason: string) => void = () => {},
  ) {}

  get storeDescription(): string {
    return this.store?.description ?? "none (no tenant has a budget)";
  }

  limitsOf(tenant: string): BudgetLimits {
    const s = this.directory.settings(tenant);
    return { tokensPerWindow: tokensPerWindow(s.tokensPerMinute, this.windowMs), maxInFlight: s.maxInFlight };
  }

  /** Reserves the request's estimate, or throws the refusal (over budget, larger than the budget, store down). */
  async reserve(tenant: string, requestId: string, estimatedTokens: number): Promise<BudgetHold> {
    const limits = this.limitsOf(tenant);
    if (!this.store || (limits.tokensPerWindow === undefined && limits.maxInFlight === undefined)) return NOTHING_HELD;
    const store = this.store;
    let reservation;
    try {
      reservation = await store.reserve(tenant, requestId, estimatedTokens, limits);
    } catch (error) {
      if (!(error instanceof BudgetStoreUnreachable)) throw error;
      this.onRefused(tenant, "budget_store_down");
      throw new BudgetStoreDown(tenant);
    }
    if (!reservation.admitted) {
      this.onRefused(tenant, reservation.reason.replace("-", "_"));
      if (reservation.reason === "too-large") throw new TenantRequestExceedsBudget(tenant, estimatedTokens, limits.tokensPerWindow ?? 0, this.windowMs);
      throw new TenantOverBudget(tenant, reservation.reason, limits, reservation.tokensUsed, reservation.inFlight, this.windowMs, Math.ceil(reservation.retryAfterMs));
    }
    let settled = false;
    return {
      settle: (actualTokens) => {
        if (settled) return;
        settled = true;
        store.settle(tenant, requestId, actualTokens).catch((error: unknown) => this.logger.warn({ err: error, tenant }, "settling a budget reservation failed; its estimate stands"));
      },
    };
  }

  /** Each configured tenant's limits and use now (usage undefined when the store cannot say). */
  async status(tenants: readonly string[]): Promise<TenantBudgetStatus[]> {
    return Promise.all(
      tenants.map(async (tenant) => {
        const limits = this.limitsOf(tenant);
        const limited = limits.tokensPerWindow !== undefined || limits.maxInFlight !== undefined;
        const usage = this.store && limited ? await this.store.usage(tenant).catch(() => undefined) : undefined;
        return { tenant, limits, usage };
      }),
    );
  }

  async close(): Promise<void> {
    await this.store?.close();
  }
}
