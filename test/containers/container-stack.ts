// The stack in containers: every component from the image in its own container, run as the charts
// run a pod (read-only root, the /tmp and /data volumes, uid 1000, no capabilities), wired as
// `make up` wires it (tools/dev-stack) on free loopback ports, the analysis services to the given
// PostgreSQL and Redis, and the watchdog in dry run. Used by stack.test.ts and the figures.
import { chownSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ServiceClients } from "@reviewlens/cli";
import { freePorts } from "@reviewlens/demo";
import { defaultPorts, stackComponents, type StackPorts } from "@reviewlens/dev-stack";
import { bundleOf } from "../helm/helm-fixture.js";
import { isServing } from "./grpc-checks.js";
import { image, podman, waitForContainer } from "./podman.js";

export interface StackContainer {
  name: string;
  container: string;
  /** `podman run` arguments that start it (detached). */
  run: string[];
  /** Where readiness is asked: gRPC health, the simulator's /health, the watchdog's /metrics. */
  ready: () => Promise<boolean>;
  grpcAddress?: string;
  metricsUrl: string;
}

export interface ContainerStack {
  ports: StackPorts & { watchdogMetrics: number };
  containers: Map<string, StackContainer>;
  /** `podman run` arguments for another container of the stack (same volumes, user and network). */
  runArgs(name: string, env: Record<string, string>, command: string[], extra?: string[]): string[];
  /** Starts every container, then waits until each is ready (a crash fails with its last log lines). */
  start(): Promise<void>;
  /** Removes every container of this prefix. */
  remove(): void;
  /** New gRPC clients of the stack's services (close them). */
  clients(timeoutMs?: number): ServiceClients;
}

export interface StackOptions {
  /** Names every container: `<prefix>-<component>`. */
  prefix: string;
  /** Where the volumes' host directories go. */
  work: string;
  /** DATABASE_URL and REDIS_URL for the analysis services. */
  production: Record<string, string>;
  /** Seconds `podman stop` waits by default, per component (the chart's grace periods). */
  stopTimeouts?: ReadonlyMap<string, number>;
}

export async function containerStack({ prefix, work, production, stopTimeouts }: StackOptions): Promise<ContainerStack> {
  const ports = await freePorts([...(Object.keys(defaultPorts) as Array<keyof StackPorts>), "watchdogMetrics"]);
  /** A host directory for a volume the service (uid 1000) writes. */
  const volume = (name: string) => {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    chownSync(dir, 1000, 1000);
    return dir;
  };
  const runArgs = (name: string, env: Record<string, string>, command: string[], extra: string[] = []) => [
    "run", "--name", `${prefix}-${name}`, "--network", "host", "--read-only", "--read-only-tmpfs=false",
    "--user", "1000:1000", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
    "-v", `${volume(`${name}-tmp`)}:/tmp`, "-v", `${volume(`${name}-data`)}:/data`,
    ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    ...extra, image, ...command,
  ];
  const detached = (name: string) => ["-d", ...(stopTimeouts?.has(name) ? ["--stop-timeout", String(stopTimeouts.get(name))] : [])];

  const containers = new Map<string, StackContainer>();
  for (const c of stackComponents(ports, { DATA_DIR: "/data", LOG_LEVEL: "info", VLLM_SIM_HOST: "127.0.0.1", HOST: "127.0.0.1" })) {
    const env = c.name === "sentiment" || c.name === "summarization" ? { ...c.env, ...production } : c.env;
    const grpcAddress = c.grpcPort ? `127.0.0.1:${c.grpcPort}` : undefined;
    containers.set(c.name, {
      name: c.name,
      container: `${prefix}-${c.name}`,
      run: runArgs(c.name, env, ["node", bundleOf(c.entry)], detached(c.name)),
      ...(grpcAddress ? { grpcAddress } : {}),
      metricsUrl: c.httpPort ? `http://127.0.0.1:${c.httpPort}/metrics` : `http://127.0.0.1:${c.metricsPort}/metrics`,
      ready: grpcAddress ? () => isServing(grpcAddress) : async () => (await fetch(`http://127.0.0.1:${c.httpPort}/health`)).status === 200,
    });
  }
  // The watchdog in dry run, judging by the gateway's and the simulator's metrics every second.
  const watchdogMetrics = `http://127.0.0.1:${ports.watchdogMetrics}/metrics`;
  containers.set("watchdog", {
    name: "watchdog",
    container: `${prefix}-watchdog`,
    run: runArgs("watchdog", { WATCHDOG_METRICS_PORT: String(ports.watchdogMetrics), HOST: "127.0.0.1" }, [
      "node", "dist/watchdog.mjs", "--dry-run", "--actuator=none", "--gpu-signal=none", "--check-interval=1", "--idle-limit=2", "--min-runtime=0",
      `--gateway-metrics-url=http://127.0.0.1:${ports.gatewayMetrics}/metrics`, `--vllm-metrics-url=http://127.0.0.1:${ports.sim}/metrics`,
    ], detached("watchdog")),
    metricsUrl: watchdogMetrics,
    ready: async () => (await fetch(watchdogMetrics)).status === 200,
  });

  return {
    ports,
    containers,
    runArgs,
    async start() {
      for (const c of containers.values()) podman(c.run);
      for (const c of containers.values()) await waitForContainer(c.container, c.ready, "SERVING");
    },
    clients: (timeoutMs = 120_000) =>
      new ServiceClients({
        gateway: `127.0.0.1:${ports.gatewayGrpc}`, vectorSearch: `127.0.0.1:${ports.vectorSearchGrpc}`,
        sentiment: `127.0.0.1:${ports.sentimentGrpc}`, summarization: `127.0.0.1:${ports.summarizationGrpc}`, tls: false, timeoutMs,
      }),
    remove() {
      const names = podman(["ps", "-a", "--format", "{{.Names}}"], true).stdout.split("\n").filter((n) => n.startsWith(`${prefix}-`));
      if (names.length > 0) podman(["rm", "-f", "-t", "0", ...names], true);
    },
  };
}
