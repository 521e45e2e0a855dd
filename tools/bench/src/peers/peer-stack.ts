// The paths a workload is sent through, over the same simulator replicas: straight to the first
// replica, through Portkey (load-balancing over all replicas), through our gateway's OpenAI facade
// and over its gRPC API.
import { waitFor } from "@reviewlens/testkit";
import { startSimStack, type SimStack } from "../experiments/sim-stack.js";
import { fetchMetricsText } from "../scaling/gateway-admin.js";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { sumOf } from "../scaling/metric-sum.js";
import { createGatewayTarget } from "../targets/gateway-grpc-target.js";
import { createOpenAiTarget } from "../targets/openai-target.js";
import type { BenchTarget } from "../targets/bench-target.js";
import { startPortkey, type PortkeyProcess } from "./portkey-process.js";
import type { PortkeyInstall } from "./portkey-install.js";

export type PathKey = "direct" | "portkey" | "facade" | "grpc";

export const PATH_NAMES: Record<PathKey, string> = { direct: "direct to vllm-sim", portkey: "Portkey", facade: "ours (OpenAI facade)", grpc: "ours (gRPC)" };

export interface PeerPath {
  key: PathKey;
  name: string;
  /** The relaying process (Portkey or our gateway), whose CPU and memory an arm records. */
  pid?: number | undefined;
  simUrls: string[];
  gatewayMetricsUrl?: string | undefined;
  /** A fresh target, once the simulators' prefix caches are empty and our gateway has settled. */
  target(extraHeaders?: Record<string, string>): Promise<BenchTarget>;
}

export interface PeerStack {
  sims: SimStack;
  portkey?: PortkeyProcess | undefined;
  paths: Partial<Record<PathKey, PeerPath>>;
  stop(): Promise<void>;
}

/**
 * Empties the simulators' prefix caches: arms replay the same prompts on the same replicas, and a
 * later arm would otherwise find an earlier one's prompts cached and prefill far less.
 */
export async function resetPrefixCaches(simUrls: readonly string[]): Promise<void> {
  for (const url of simUrls) {
    const response = await fetch(`${url}/reset_prefix_cache`, { method: "POST" });
    if (!response.ok) throw new Error(`reset_prefix_cache on ${url}: HTTP ${response.status}`);
  }
}

/** Waits until the simulators run and queue nothing: an arm that ended in overload leaves work there. */
export async function waitSimulatorsIdle(simUrls: readonly string[]): Promise<void> {
  await waitFor(async () => {
    for (const url of simUrls) {
      const samples = parsePrometheusTextFormat(await fetchMetricsText(`${url}/metrics`));
      if ((sumOf(samples, ["vllm:num_requests_running", "vllm:num_requests_waiting"]) ?? 0) > 0) return false;
    }
    return true;
  }, "the simulators to finish what the last arm left them", 600_000, 500);
}

export interface PeerStackOptions {
  replicas?: number;
  timeScale: number;
  simArgs?: string[];
  /** Our gateway in front of the replicas (facade and gRPC paths). */
  gateway: boolean;
  gatewayEnv?: Record<string, string>;
  /** Portkey in front of the replicas. */
  portkey?: PortkeyInstall | undefined;
}

export async function startPeerStack(o: PeerStackOptions): Promise<PeerStack> {
  const sims = await startSimStack({ replicas: o.replicas ?? 1, timeScale: o.timeScale, simArgs: o.simArgs ?? [], gateway: o.gateway, gatewayEnv: o.gatewayEnv ?? {} });
  const simUrls = sims.sims.map((s) => s.url);
  let portkey: PortkeyProcess | undefined;
  try {
    portkey = o.portkey ? await startPortkey(o.portkey, simUrls) : undefined;
  } catch (error) {
    await sims.stop();
    throw error;
  }
  const gateway = sims.gateway;
  const cold = async () => {
    await waitSimulatorsIdle(simUrls);
    await gateway?.settled();
    await resetPrefixCaches(simUrls);
  };
  const paths: Partial<Record<PathKey, PeerPath>> = {
    direct: { key: "direct", name: PATH_NAMES.direct, simUrls: simUrls.slice(0, 1), target: async (headers) => (await cold(), createOpenAiTarget({ baseUrl: simUrls[0]!, endpoint: "/v1/completions", model: "Qwen/Qwen2.5-7B-Instruct", ignoreEos: true, ...(headers ? { headers } : {}) })) },
  };
  if (portkey) {
    const p = portkey;
    paths.portkey = { key: "portkey", name: PATH_NAMES.portkey, pid: p.pid, simUrls, target: async (headers) => (await cold(), p.target(headers)) };
  }
  if (gateway) {
    const common = { pid: gateway.process.child.pid, simUrls, gatewayMetricsUrl: gateway.metricsUrl };
    paths.facade = { key: "facade", name: PATH_NAMES.facade, ...common, target: async (headers) => (await cold(), createOpenAiTarget({ baseUrl: gateway.httpUrl, endpoint: "/v1/completions", model: "Qwen/Qwen2.5-7B-Instruct", ignoreEos: true, ...(headers ? { headers } : {}) })) };
    paths.grpc = { key: "grpc", name: PATH_NAMES.grpc, ...common, target: async () => (await cold(), createGatewayTarget({ address: gateway.grpcAddress, model: "", ignoreEos: true, defaultPriority: "standard" })) };
  }
  return {
    sims,
    portkey,
    paths,
    async stop() {
      await Promise.all([portkey?.stop(), sims.stop()]);
    },
  };
}
