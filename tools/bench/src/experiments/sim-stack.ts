// Simulator replicas and, when asked, the gateway in front of them: what each experiment runs on.
import { launchAll } from "../scaling/launch-all.js";
import { launchSimReplica, type SimReplica } from "../scaling/sim-replica-launcher.js";
import { createGatewayTarget } from "../targets/gateway-grpc-target.js";
import { createOpenAiTarget } from "../targets/openai-target.js";
import type { BenchTarget } from "../targets/bench-target.js";
import { startGateway, type GatewayProcess } from "./gateway-process.js";

export const SIM_PROFILE = "qwen2.5-7b-h100";

export interface SimStack {
  sims: SimReplica[];
  gateway?: GatewayProcess | undefined;
  /** Straight to the first simulator replica (vLLM's own scheduler). */
  direct(): BenchTarget;
  /** The gateway over gRPC (Generate). */
  viaGateway(): BenchTarget;
  stop(): Promise<void>;
}

export async function startSimStack(o: { replicas?: number; timeScale: number; profile?: string; simArgs?: string[]; gateway: boolean; gatewayEnv?: Record<string, string> }): Promise<SimStack> {
  const sims = await launchAll(o.replicas ?? 1, () => launchSimReplica({ timeScale: o.timeScale, profile: o.profile ?? SIM_PROFILE, extraArgs: o.simArgs }));
  let gateway: GatewayProcess | undefined;
  try {
    gateway = o.gateway ? await startGateway(sims.map((s) => s.url), o.gatewayEnv) : undefined;
  } catch (error) {
    await Promise.all(sims.map((s) => s.stop()));
    throw error;
  }
  return {
    sims,
    gateway,
    direct: () => createOpenAiTarget({ baseUrl: sims[0]!.url, endpoint: "/v1/completions", model: "Qwen/Qwen2.5-7B-Instruct", ignoreEos: true }),
    viaGateway: () => {
      if (!gateway) throw new Error("this stack has no gateway");
      return createGatewayTarget({ address: gateway.grpcAddress, model: "", ignoreEos: true, defaultPriority: "standard" });
    },
    async stop() {
      await gateway?.stop();
      await Promise.all(sims.map((s) => s.stop()));
    },
  };
}
