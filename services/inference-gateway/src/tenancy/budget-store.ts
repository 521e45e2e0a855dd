// Where tenants' budgets are held: an in-process table (one replica) or Redis (every replica).
// Reserve is atomic (check and record in one step), so concurrent requests cannot overshoot.
import type { BudgetLimits, Reservation } from "./token-budget.js";

export interface BudgetUsage {
  /** Tokens counted in the window now (settled usage, estimates of what is still running). */
  readonly tokensUsed: number;
  readonly inFlight: number;
}

export interface BudgetStore {
  /** What it is, for GetStatus and logs (e.g. "redis at redis://host:6379"). */
  readonly description: string;
  /** Reserves `tokens` (the request's estimate) and an in-flight slot for request `id`, or refuses. */
  reserve(tenant: string, id: string, tokens: number, limits: BudgetLimits): Promise<Reservation>;
  /** The request ended: its entry counts `actualTokens` from now on, and its in-flight slot is free. */
  settle(tenant: string, id: string, actualTokens: number): Promise<void>;
  usage(tenant: string): Promise<BudgetUsage>;
  close(): Promise<void>;
}

/** The store cannot be reached (Redis down): what happens then is the failover's choice. */
export class BudgetStoreUnreachable extends Error {
  constructor(override readonly cause: unknown) {
    super(`the budget store is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "BudgetStoreUnreachable";
  }
}
