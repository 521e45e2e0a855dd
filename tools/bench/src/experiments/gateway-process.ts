// Runs the real inference gateway as a child process on free loopback ports, in front of the
// given backends, for the experiments.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServiceProcess, waitFor, type ServiceProcess } from "@reviewlens/testkit";
import { gatewayBackendPool } from "../scaling/gateway-admin.js";

export interface GatewayProcess {
  grpcAddress: string;
  httpUrl: string;
  metricsUrl: string;
  process: ServiceProcess;
  /**
   * Resolves once every backend is healthy, idle and back at its full sequence budget (a previous
   * arm's traffic straight to the simulator shrinks it), so an arm never inherits the last one's state.
   */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

interface BackendView {
  healthy: boolean;
  in_flight_sequences: number;
  max_sequences: number;
  configured_max_sequences: number;
}

export async function startGateway(backendUrls: readonly string[], env: Record<string, string> = {}): Promise<GatewayProcess> {
  // Its own embedded metrics store, so runs never share (or leave behind) a data directory.
  const dataDir = mkdtempSync(join(tmpdir(), "reviewlens-bench-gateway-"));
  const proc = await startServiceProcess({
    entry: "services/inference-gateway/src/main.ts",
    env: { GATEWAY_BACKEND_URLS: backendUrls.join(","), GATEWAY_HTTP_PORT: "0", DATA_DIR: dataDir, LOG_LEVEL: "info", ...env },
    readyWhen: (line) => typeof line["grpcPort"] === "number",
    timeoutMs: 180_000,
  });
  const httpLine = proc.logs.find((l) => typeof l["httpPort"] === "number");
  if (!httpLine) {
    await proc.stop();
    throw new Error("the gateway did not log its httpPort");
  }
  const httpUrl = `http://127.0.0.1:${Number(httpLine["httpPort"])}`;
  const pool = gatewayBackendPool(httpUrl, env["GATEWAY_API_KEY"]);
  const settled = async () => {
    await waitFor(async () => {
      const { backends } = (await pool.list()) as { backends: BackendView[] };
      return backends.length === backendUrls.length && backends.every((b) => b.healthy && b.in_flight_sequences === 0 && b.max_sequences === b.configured_max_sequences);
    }, "the gateway's backends to be healthy, idle and at their full budget", 60_000, 100);
  };
  // The gateway probes its backends before it routes to them: start the load only once all are in.
  try {
    await settled();
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return {
    grpcAddress: proc.address,
    httpUrl,
    metricsUrl: `http://127.0.0.1:${proc.metricsPort}/metrics`,
    process: proc,
    settled,
    async stop() {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
