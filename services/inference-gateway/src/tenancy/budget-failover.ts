// The budget store as the gateway uses it: Redis while it answers; when it does not, the configured
// choice (GATEWAY_BUDGET_REDIS_DOWN): `refuse` (budgeted requests fail with UNAVAILABLE until Redis is
// back: a budget never overshoots) or `local` (this replica's in-process table holds the budgets
// meanwhile: each replica admits up to the whole budget, so the cluster may overshoot by the
// number of replicas for the outage's length).
import type { Logger } from "@reviewlens/runtime";
import { BudgetStoreUnreachable, type BudgetStore, type BudgetUsage } from "./budget-store.js";
import type { LocalBudgetTable } from "./local-budget-table.js";
import type { BudgetLimits, Reservation } from "./token-budget.js";

export type RedisDownPolicy = "refuse" | "local";

export class FailoverBudgetStore implements BudgetStore {
  /** Reservations made in the local table while the primary was down: settled there. */
  private readonly localIds = new Set<string>();
  private down = false;

  constructor(
    private readonly primary: BudgetStore,
    private readonly local: LocalBudgetTable,
    readonly policy: RedisDownPolicy,
    private readonly logger: Logger,
  ) {}

  get description(): string {
    if (!this.down) return this.primary.description;
    return `${this.primary.description} unreachable: ${this.policy === "local" ? "budgets held by this replica's in-process table" : "budgeted requests refused"}`;
  }

  async reserve(tenant: string, id: string, tokens: number, limits: BudgetLimits): Promise<Reservation> {
    try {
      const reservation = await this.primary.reserve(tenant, id, tokens, limits);
      this.reachable();
      return reservation;
    } catch (error) {
      this.unreachable(error);
      if (this.policy === "refuse") throw error;
      const reservation = await this.local.reserve(tenant, id, tokens, limits);
      if (reservation.admitted) this.localIds.add(id);
      return reservation;
    }
  }

  async settle(tenant: string, id: string, actualTokens: number): Promise<void> {
    if (this.localIds.delete(id)) return this.local.settle(tenant, id, actualTokens);
    // Unreachable now: the reservation keeps its estimate and its lease frees the slot.
    await this.primary.settle(tenant, id, actualTokens).catch((error: unknown) => this.unreachable(error));
  }

  async usage(tenant: string): Promise<BudgetUsage> {
    try {
      return await this.primary.usage(tenant);
    } catch (error) {
      this.unreachable(error);
      if (this.policy === "refuse") throw error;
      return this.local.usage(tenant);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.local.close()]);
  }

  private reachable() {
    if (this.down) this.logger.info({ store: this.primary.description }, "budget store reachable again");
    this.down = false;
  }

  private unreachable(error: unknown) {
    if (!(error instanceof BudgetStoreUnreachable)) throw error;
    if (!this.down) this.logger.warn({ err: error.message, policy: this.policy }, "budget store unreachable");
    this.down = true;
  }
}
