// The cold pool's Prometheus metrics. gateway_cold_pool_queued_requests is the one wake signal:
// KEDA's activation and the HPA read it through Prometheus, the watchdog scrapes it.
import type { Meter } from "@opentelemetry/api";
import type { ColdPoolEvents, ColdPoolRefusal, ColdPoolSnapshot } from "./cold-pool.js";
import type { PoolState } from "./pool-state.js";

const WAIT_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 180, 240, 300, 450, 600, 900, 1200, 1800];
const STATES: readonly PoolState[] = ["warm", "waking", "cold"];
const REFUSALS: readonly ColdPoolRefusal[] = ["deadline-before-wake", "wake-timeout", "shutdown"];

export function coldPoolMetrics(meter: Meter, snapshot: () => ColdPoolSnapshot): ColdPoolEvents {
  meter
    .createObservableGauge("gateway_cold_pool_queued_requests", {
      description: "requests waiting in the gateway while no backend of its pool takes traffic: the wake signal (KEDA activation, HPA, watchdog)",
    })
    .addCallback((r) => r.observe(snapshot().queuedForWake));
  meter.createObservableGauge("gateway_pool_state", { description: "1 for the backend pool's state (warm, waking, cold), 0 for the others" }).addCallback((r) => {
    const { state } = snapshot();
    for (const s of STATES) r.observe(s === state ? 1 : 0, { state: s });
  });
  meter
    .createObservableGauge("gateway_pool_expected_cold_start_seconds", {
      description: "expected time from the first held request to a healthy backend: configured, then the median of the last measured wakes",
    })
    .addCallback((r) => r.observe(snapshot().expectedColdStartMs / 1_000));
  const wakes = meter.createHistogram("gateway_pool_wake_seconds", {
    description: "measured wakes: first request held to a backend healthy",
    advice: { explicitBucketBoundaries: WAIT_BUCKETS },
  });
  const waits = meter.createHistogram("gateway_cold_pool_wait_seconds", {
    description: "how long each held request waited for the pool to wake",
    advice: { explicitBucketBoundaries: WAIT_BUCKETS },
  });
  const refusals = meter.createCounter("gateway_cold_pool_refusals", {
    description: "requests a waking pool could not serve: deadline-before-wake, wake-timeout, shutdown (all UNAVAILABLE with a retry delay)",
  });
  for (const reason of REFUSALS) refusals.add(0, { reason });
  return {
    refused: (reason) => refusals.add(1, { reason }),
    woke(wakeMs, waitsMs) {
      wakes.record(wakeMs / 1_000);
      for (const ms of waitsMs) waits.record(ms / 1_000);
    },
  };
}
