// A server's request load read from its Prometheus /metrics: the gateway's or a vLLM replica's.
import { known, type RequestLoad, type Signal } from "../signals.js";
import { pick, scrapeMetrics } from "./prometheus-scrape.js";

/** Which metrics mean what; each is summed over its series (priorities, models, outcomes). */
export interface LoadMetricNames {
  inFlight: string;
  queued: string;
  /** A counter; absent means no request yet (counters appear after their first increment). */
  requestsTotal: string;
  /** A gauge of requests held for a cold pool; absent (an older gateway) reads as none. */
  heldForWake?: string;
}

/** The gateway's names, agreed with the gateway (COMMON.md). */
export const GATEWAY_LOAD_METRICS: LoadMetricNames = {
  inFlight: "gateway_requests_in_flight",
  queued: "gateway_queue_depth",
  requestsTotal: "gateway_requests_total",
  heldForWake: "gateway_cold_pool_queued_requests",
};

/** vLLM's own names. */
export const VLLM_LOAD_METRICS: LoadMetricNames = {
  inFlight: "vllm:num_requests_running",
  queued: "vllm:num_requests_waiting",
  requestsTotal: "vllm:request_success_total",
};

export function createPrometheusLoadSignal(url: string, names: LoadMetricNames, timeoutMs: number): Signal<RequestLoad> {
  return {
    source: url,
    async read(signal) {
      const optional = names.heldForWake ? [names.requestsTotal, names.heldForWake] : [names.requestsTotal];
      const m = pick(await scrapeMetrics(url, signal, timeoutMs), url, [names.inFlight, names.queued], optional);
      if (!m.known) return m;
      const load = { inFlight: m.value[names.inFlight] ?? 0, queued: m.value[names.queued] ?? 0, requestsTotal: m.value[names.requestsTotal] ?? 0 };
      return known(names.heldForWake ? { ...load, heldForWake: m.value[names.heldForWake] ?? 0 } : load);
    },
  };
}
