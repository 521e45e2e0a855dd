// `reviewlens status`: the gateway's queue, backends and recent goodput.
import { common, inference } from "@reviewlens/contracts";
import Table from "cli-table3";
import type { ServiceClients } from "../connection.js";

export async function gatewayStatus(clients: ServiceClients, signal?: AbortSignal) {
  return clients.gateway.getStatus({}, clients.callOptions(signal));
}

export function renderStatus(s: Awaited<ReturnType<typeof gatewayStatus>>): string {
  const queues = new Table({ head: ["class", "queued", "queued prefill tok", "oldest wait ms"], style: { head: [], border: [] } });
  for (const q of s.queues) {
    queues.push([common.priorityToJSON(q.priority).replace("PRIORITY_", "").toLowerCase(), q.depth, q.queuedPrefillTokens, Math.round(q.oldestWaitMs)]);
  }
  const backends = new Table({
    head: ["backend", "healthy", "in-flight seqs", "in-flight prefill tok", "running", "waiting", "KV use", "503s (backoff ms)", "lacks", "last error"],
    style: { head: [], border: [] },
  });
  for (const b of s.backends) {
    // Without vLLM's /metrics the scraped columns are unknown, not zero.
    const noLoad = b.missingSignals.includes(inference.BackendSignal.BACKEND_SIGNAL_LOAD_METRICS);
    backends.push([
      b.url,
      b.healthy ? "yes" : "NO",
      `${b.inFlightSequences}/${b.maxSequences}`,
      `${b.inFlightPrefillTokens}/${b.maxPrefillTokens}`,
      noLoad ? "?" : b.numRequestsRunning,
      noLoad ? "?" : b.numRequestsWaiting,
      noLoad ? "?" : `${(b.kvCacheUsage * 100).toFixed(0)}%`,
      `${b.admissionRejections} (${Math.round(b.backoffRemainingMs)})`,
      b.missingSignals.map(signalName).join(", ") || "-",
      b.lastError || "-",
    ]);
  }
  return [
    `requests completed ${s.requestsCompleted}, rejected ${s.requestsRejected}; last minute: goodput ${s.goodputRequestsPerSecond.toFixed(2)} req/s, SLO compliance ${(s.sloCompliance * 100).toFixed(1)}%`,
    queues.toString(),
    backends.toString(),
  ].join("\n");
}

/** BACKEND_SIGNAL_LOAD_METRICS -> load-metrics. */
function signalName(signal: inference.BackendSignal): string {
  return inference.backendSignalToJSON(signal).replace("BACKEND_SIGNAL_", "").toLowerCase().replace(/_/g, "-");
}
