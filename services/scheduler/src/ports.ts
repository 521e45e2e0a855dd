// What the scheduler needs from the outside, as small interfaces (adapters/ implements them).
import type { LastSuccess, RestaurantSnapshot } from "./run-plan.js";

export interface RestaurantStatsSource {
  /** Every restaurant with its review count, vector version and drift. */
  list(signal: AbortSignal): Promise<RestaurantSnapshot[]>;
}

export interface LastSuccessSource {
  /** Keyed by `${restaurantId}/${analysisType}`. */
  load(analysisTypes: readonly string[], signal: AbortSignal): Promise<Map<string, LastSuccess>>;
}

export type BatchStatus = "completed" | "skipped" | "failed";

export interface BatchResult {
  readonly restaurantId: string;
  readonly status: BatchStatus;
  readonly llmRequests: number;
  readonly error?: string;
}

export interface BatchAnalyser {
  /** Runs one analysis type for the restaurants in the gateway's batch class, results as they finish. */
  run(analysisType: string, restaurantIds: readonly string[], signal: AbortSignal): AsyncIterable<BatchResult>;
}
