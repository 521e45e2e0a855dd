// The watchdog's own Prometheus metrics (served on WATCHDOG_METRICS_PORT at /metrics).
import type { Meter } from "@opentelemetry/api";
import type { CheckVerdict } from "./check-verdict.js";

export interface WatchdogMetrics {
  recordCheck(verdict: CheckVerdict): void;
  stopAttempted(): void;
  stopFailed(): void;
  dryRunStop(): void;
  wakeAttempted(): void;
  wakeFailed(): void;
  dryRunWake(): void;
  /** Dollars not spent while the server stayed stopped. */
  saved(dollars: number): void;
}

/** Counters get `_total` from the Prometheus exporter: watchdog_checks_total, watchdog_stops_attempted_total, ... */
export function createWatchdogMetrics(meter: Meter): WatchdogMetrics {
  const checks = meter.createCounter("watchdog_checks", { description: "Checks by decision (stop, idle, busy, unknown, stopped, resumed, wake, waking)" });
  const idleChecks = meter.createCounter("watchdog_idle_checks", { description: "Checks that found the GPU server idle" });
  const attempted = meter.createCounter("watchdog_stops_attempted", { description: "Stop calls made to the actuator" });
  const failed = meter.createCounter("watchdog_stops_failed", { description: "Stop calls that failed (retried at the next idle check)" });
  const dryRun = meter.createCounter("watchdog_dry_run_stops", { description: "Stops decided in dry-run mode (no call made)" });
  const wakes = meter.createCounter("watchdog_wakes_attempted", { description: "Start calls made to the actuator to wake the pool for held requests" });
  const wakesFailed = meter.createCounter("watchdog_wakes_failed", { description: "Start calls that failed (retried at the next check)" });
  const dryRunWakes = meter.createCounter("watchdog_dry_run_wakes", { description: "Wakes decided in dry-run mode (no call made)" });
  const savings = meter.createCounter("watchdog_estimated_savings_dollars", {
    description: "Estimated dollars saved: time the server stayed stopped times WATCHDOG_PRICE_USD_PER_HOUR",
  });
  // Zero from the start, so dashboards and alerts see the series before the first stop.
  for (const counter of [idleChecks, attempted, failed, dryRun, wakes, wakesFailed, dryRunWakes, savings]) counter.add(0);
  let last: CheckVerdict | undefined;
  meter
    .createObservableGauge("watchdog_idle_count", { description: "Consecutive idle checks so far" })
    .addCallback((r) => void (last && r.observe(last.idleCount)));
  meter
    .createObservableGauge("watchdog_idle_limit", { description: "Consecutive idle checks that trigger a stop" })
    .addCallback((r) => void (last && r.observe(last.idleLimit)));
  meter
    .createObservableGauge("watchdog_idle_threshold_percent", { description: "GPU utilisation below which the GPU counts as idle" })
    .addCallback((r) => void (last && r.observe(last.thresholdPercent)));
  meter
    .createObservableGauge("watchdog_gpu_utilization_percent", { description: "Busiest GPU's utilisation at the last check" })
    .addCallback((r) => void (last?.activity.gpuUtilizationPercent !== undefined && r.observe(last.activity.gpuUtilizationPercent)));
  meter
    .createObservableGauge("watchdog_next_scheduled_run_timestamp_seconds", {
      description: "When the next scheduled run (WATCHDOG_SCHEDULED_RUNS) begins, Unix time, as of the last check: the stop rule stays when it is within the cold start",
    })
    .addCallback((r) => void (last?.nextScheduledRunAt !== undefined && r.observe(last.nextScheduledRunAt / 1_000)));
  meter
    .createObservableGauge("watchdog_held_requests", { description: "Requests the gateway held for the pool at the last check (its wake signal)" })
    .addCallback((r) => void (last?.heldForWake !== undefined && r.observe(last.heldForWake)));
  return {
    recordCheck(verdict) {
      last = verdict;
      checks.add(1, { decision: verdict.decision });
      if (verdict.decision === "idle" || verdict.decision === "stop") idleChecks.add(1);
    },
    stopAttempted: () => attempted.add(1),
    stopFailed: () => failed.add(1),
    dryRunStop: () => dryRun.add(1),
    wakeAttempted: () => wakes.add(1),
    wakeFailed: () => wakesFailed.add(1),
    dryRunWake: () => dryRunWakes.add(1),
    saved: (dollars) => savings.add(dollars),
  };
}
