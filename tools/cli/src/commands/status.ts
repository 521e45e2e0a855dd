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
    ...(s.tenants.length > 0 ? [`tenants (fair queueing ${s.fairness ? "on" : "off"}; budgets: ${s.budgetStore || "none"})`, renderTenants(s.tenants)] : []),
  ].join("\n");
}

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** Used of limit, "-" without a limit, "?" when the budget store could not say. */
const ofLimit = (used: number | undefined, limit: number | undefined) => (limit === undefined ? "-" : `${used ?? "?"}/${limit}`);

/** Each tenant's weight and the share it gives, the share it was served, its queue and its budget's use. */
function renderTenants(tenants: inference.TenantStatus[]): string {
  const table = new Table({
    head: ["tenant", "weight (share)", "served (1 min)", "tokens (1 min)", "queued", "budget tok/window", "in flight"],
    style: { head: [], border: [] },
  });
  for (const t of tenants) {
    table.push([t.tenant, `${t.weight} (${pct(t.weightShare)})`, pct(t.servedShare), t.tokensServedLastMinute, t.queued, ofLimit(t.budgetTokensUsed, t.budgetTokensPerWindow), ofLimit(t.inFlight, t.maxInFlight)]);
  }
  return table.toString();
}

/** BACKEND_SIGNAL_LOAD_METRICS -> load-metrics. */
function signalName(signal: inference.BackendSignal): string {
  return inference.backendSignalToJSON(signal).replace("BACKEND_SIGNAL_", "").toLowerCase().replace(/_/g, "-");
}
