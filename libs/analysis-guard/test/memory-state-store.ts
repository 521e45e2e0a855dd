// An in-memory GuardStateStore with analysis_state's fencing rule, for unit tests and the child holder.
import type { AnalysisMetricsRow, AnalysisState, AnalysisStateWrite, StateWriteOutcome } from "@reviewlens/metrics-store";
import type { GuardStateStore } from "../src/index.js";

export class MemoryStateStore implements GuardStateStore {
  readonly states = new Map<string, AnalysisState>();
  readonly metrics: AnalysisMetricsRow[] = [];

  async getAnalysisState(restaurantId: string, analysisType: string): Promise<AnalysisState | undefined> {
    return this.states.get(`${restaurantId}/${analysisType}`);
  }

  async writeAnalysisState(w: AnalysisStateWrite): Promise<StateWriteOutcome> {
    const key = `${w.restaurantId}/${w.analysisType}`;
    const old = this.states.get(key);
    if (old && old.fencing > w.fencing) return "stale";
    this.states.set(key, {
      restaurantId: w.restaurantId,
      analysisType: w.analysisType,
      lastAttemptAt: w.attemptAt,
      fencing: w.fencing,
      lastSuccessAt: w.success?.at ?? old?.lastSuccessAt,
      reviewCount: w.success ? w.success.reviewCount : old?.reviewCount,
      vectorVersion: w.success ? w.success.vectorVersion : old?.vectorVersion,
      lastResult: w.success ? w.success.result : old?.lastResult,
    });
    return "written";
  }

  recordAnalysisMetrics(row: AnalysisMetricsRow): void {
    this.metrics.push(row);
  }
}
