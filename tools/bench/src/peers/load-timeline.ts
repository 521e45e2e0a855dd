// Queue depth and requests in flight over an arm, sampled twice a second: the client's in flight,
// what waits and runs in the simulators (vLLM's gauges), and what waits in our gateway.
import { fetchMetricsText } from "../scaling/gateway-admin.js";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { sumOf } from "../scaling/metric-sum.js";

export interface TimelinePoint {
  /** Seconds since the arm started. */
  t: number;
  clientInFlight: number;
  vllmWaiting: number;
  vllmRunning: number;
  /** gateway_queue_depth summed over classes; absent for paths without our gateway. */
  gatewayQueue?: number;
}

async function gauge(url: string, name: string): Promise<number> {
  return sumOf(parsePrometheusTextFormat(await fetchMetricsText(url, AbortSignal.timeout(2_000))), [name]) ?? 0;
}

export function sampleTimeline(o: { simUrls: readonly string[]; gatewayMetricsUrl?: string | undefined; inFlight: () => number; intervalMs?: number }): { stop(): Promise<TimelinePoint[]> } {
  const t0 = performance.now();
  const points: TimelinePoint[] = [];
  let busy: Promise<void> | undefined;
  const sample = async () => {
    const t = Math.round((performance.now() - t0) / 100) / 10;
    const clientInFlight = o.inFlight();
    try {
      const waiting = await Promise.all(o.simUrls.map((u) => gauge(`${u}/metrics`, "vllm:num_requests_waiting")));
      const running = await Promise.all(o.simUrls.map((u) => gauge(`${u}/metrics`, "vllm:num_requests_running")));
      const gatewayQueue = o.gatewayMetricsUrl ? await gauge(o.gatewayMetricsUrl, "gateway_queue_depth") : undefined;
      points.push({ t, clientInFlight, vllmWaiting: waiting.reduce((a, b) => a + b, 0), vllmRunning: running.reduce((a, b) => a + b, 0), ...(gatewayQueue === undefined ? {} : { gatewayQueue }) });
    } catch {
      // a scrape that times out under load leaves a gap, not a failed run
    }
  };
  // a tick that finds the last scrape still running (a busy machine) is skipped, not queued
  const timer = setInterval(() => {
    busy ??= sample().finally(() => (busy = undefined));
  }, o.intervalMs ?? 500);
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      return points;
    },
  };
}
