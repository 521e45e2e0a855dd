// Runs the real inference gateway as a child process on free loopback ports, in front of the
// given backends, for the experiments.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";

export interface GatewayProcess {
  grpcAddress: string;
  httpUrl: string;
  metricsUrl: string;
  process: ServiceProcess;
  stop(): Promise<void>;
}

export async function startGateway(backendUrls: readonly string[], env: Record<string, string> = {}): Promise<GatewayProcess> {
  // Its own embedded metrics store, so runs never share (or leave behind) a data directory.
  const dataDir = mkdtempSync(join(tmpdir(), "reviewlens-bench-gateway-"));
  const proc = await startServiceProcess({
    entry: "services/inference-gateway/src/main.ts",
    env: { VLLM_URLS: backendUrls.join(","), GATEWAY_HTTP_PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "info", ...env },
    readyWhen: (line) => typeof line["grpcPort"] === "number",
    timeoutMs: 60_000,
  });
  const httpLine = proc.logs.find((l) => typeof l["httpPort"] === "number");
  if (!httpLine) throw new Error("the gateway did not log its httpPort");
  return {
    grpcAddress: proc.address,
    httpUrl: `http://127.0.0.1:${Number(httpLine["httpPort"])}`,
    metricsUrl: `http://127.0.0.1:${proc.metricsPort}/metrics`,
    process: proc,
    async stop() {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
