// What the cluster runs is what the tests start: each Deployment's rendered command, args and env
// start the real program here (the image's bundles, made by scripts/bundle-services.mjs in a
// temporary copy of the image's /app, node_modules included) (ports moved to 0, peers to a closed
// loopback port, data to a temp dir, the API server to a kubeconfig for a closed loopback port),
// its probes' targets answer (gRPC health `liveness` SERVING, the HTTP probe paths 200), and
// SIGTERM ends it with exit code 0.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createChannel, createClient } from "nice-grpc";
import { HealthDefinition } from "nice-grpc-server-health";
import { HealthCheckResponse_ServingStatus } from "nice-grpc-server-health/lib/proto/grpc/health/v1/health.js";
import { repoRoot, runToExit, startServiceProcess } from "@reviewlens/testkit";
import { byKind, openChartWorkspace, type K8sObject } from "./helm-fixture.js";

interface Container {
  command: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  livenessProbe: { grpc?: { port: number; service?: string }; httpGet?: { path: string } };
  readinessProbe: { grpc?: { port: number }; httpGet?: { path: string } };
}
interface Rendered {
  name: string;
  container: Container;
}

const closedPort = "127.0.0.1:1"; // nothing listens there: dependencies are down, which is fine
const localArgs = (args: string[]) =>
  args.map((a) => a.replace(/^--port=\d+$/, "--port=0").replace(/=http:\/\/[^/]+(\/.*)?$/, `=http://${closedPort}$1`));

let rendered: Rendered[];
let cronJobs: Rendered[];
let dataDir: string;
/** The image's /app: the bundles, the descriptor set and the packages they leave unbundled. */
let app: string;
before(() => {
  const charts = openChartWorkspace();
  try {
    const objects = charts.render("reviewlens", ["--set", "vllm-sim.enabled=true"]);
    cronJobs = byKind(objects, "CronJob").map((c: K8sObject) => ({
      name: c.metadata.name,
      container: (c.spec as { jobTemplate: { spec: { template: { spec: { containers: Container[] } } } } }).jobTemplate.spec.template.spec.containers[0] as Container,
    }));
    rendered = byKind(objects, "Deployment")
      .filter((d: K8sObject) => d.metadata.name !== "rl-vllm") // the vllm/vllm-openai image needs a GPU
      .map((d: K8sObject) => {
        const pod = (d.spec as { template: { spec: { containers: Container[] } } }).template.spec;
        return { name: d.metadata.name.replace(/^rl-/, ""), container: pod.containers[0] as Container };
      });
  } finally {
    charts.close();
  }
  dataDir = mkdtempSync(join(tmpdir(), "reviewlens-helm-data-"));
  app = join(dataDir, "app");
  execFileSync(process.execPath, [join(repoRoot, "scripts", "bundle-services.mjs"), app], { stdio: ["ignore", "ignore", "inherit"] });
  // The watchdog's Kubernetes actuator needs a cluster to start; it only calls it to stop vLLM.
  writeFileSync(
    join(dataDir, "kubeconfig"),
    `apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "https://${closedPort}", insecure-skip-tls-verify: true}}]
users: [{name: local, user: {}}]
contexts: [{name: local, context: {cluster: local, user: local}}]
current-context: local
`,
  );
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** The rendered env with in-cluster peers moved to the closed loopback port (secrets are not set). */
function localEnv(env: { name: string; value?: string }[]): Record<string, string> {
  const local: Record<string, string> = {};
  for (const { name, value } of env) {
    if (value === undefined) continue;
    local[name] = /^(dns:\/\/\/)?[a-z0-9.-]+\.svc:\d+$/.test(value) ? closedPort : /^http:\/\/[a-z0-9.-]+\.svc:\d+/.test(value) ? `http://${closedPort}` : value;
  }
  return local;
}

async function healthStatus(port: number, service: string): Promise<HealthCheckResponse_ServingStatus> {
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    return (await createClient(HealthDefinition, channel).check({ service }, { signal: AbortSignal.timeout(5_000) })).status;
  } finally {
    channel.close();
  }
}

describe("each rendered Deployment starts the real program", () => {
  it("covers every component but vLLM", () => {
    assert.deepEqual(rendered.map((r) => r.name).sort(), ["inference-gateway", "sentiment", "summarization", "vector-search", "vllm-sim", "watchdog"]);
  });
  for (const name of ["inference-gateway", "vector-search", "sentiment", "summarization", "vllm-sim", "watchdog"]) {
    it(name, async () => {
      const r = rendered.find((x) => x.name === name);
      assert.ok(r);
      const { command, args = [], env = [] } = r.container;
      assert.deepEqual(command, ["node", `dist/${name}.mjs`]);
      const local = localEnv(env);
      const service = await startServiceProcess({
        entry: command[1] as string,
        nodeArgs: [],
        cwd: app,
        args: localArgs(args),
        env: { ...local, GRPC_PORT: "0", METRICS_PORT: "0", GATEWAY_HTTP_PORT: "0", WATCHDOG_METRICS_PORT: "0", HOST: "127.0.0.1", VLLM_SIM_HOST: "127.0.0.1", DATA_DIR: join(dataDir, name), KUBECONFIG: join(dataDir, "kubeconfig"), LOG_LEVEL: "info" },
        readyWhen: (line) => typeof line["grpcPort"] === "number" || typeof line["port"] === "number" || typeof line["metricsPort"] === "number",
        timeoutMs: 120_000, // generous: this machine is shared
      });
      try {
        const probes = r.container;
        if (probes.livenessProbe.grpc) {
          assert.equal(probes.livenessProbe.grpc.service, "liveness");
          assert.equal(await healthStatus(service.grpcPort, "liveness"), HealthCheckResponse_ServingStatus.SERVING);
          // Readiness asks the overall status, which the service knows (SERVING or not, never unknown).
          assert.notEqual(await healthStatus(service.grpcPort, ""), HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN);
        } else {
          const ready = service.logs.find((l) => typeof l["port"] === "number" || typeof l["metricsPort"] === "number") ?? {};
          const port = Number(ready["port"] ?? ready["metricsPort"]);
          for (const path of [probes.livenessProbe.httpGet?.path, probes.readinessProbe.httpGet?.path]) {
            const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) });
            assert.equal(res.status, 200, `${name} ${path}`);
            await res.arrayBuffer();
          }
        }
      } finally {
        // Bounded: a program that ignores SIGTERM is killed and the test fails.
        const code = await Promise.race([service.stop("SIGTERM"), new Promise<string>((resolve) => setTimeout(resolve, 60_000, "still running"))]);
        if (code === "still running") service.child.kill("SIGKILL");
        assert.equal(code, 0, `${name} after SIGTERM: ${String(code)}\n${service.stderr.join("\n")}`);
      }
    });
  }
});

describe("each rendered scheduler CronJob runs the real scheduler", () => {
  it("accepts the chart's args and env, and reports the unreachable services with exit code 3 (not 2: bad configuration)", async () => {
    assert.ok(cronJobs.length >= 1);
    for (const job of cronJobs) {
      const { command, args = [], env = [] } = job.container;
      assert.deepEqual(command, ["node", "dist/scheduler.mjs"]);
      // The run timeout bounds the attempt; the chart's own is 30 minutes.
      const result = await runToExit(command[1] as string, { ...localEnv(env), SCHEDULER_RUN_TIMEOUT_MS: "30000" }, localArgs(args), { nodeArgs: [], cwd: app });
      assert.equal(result.code, 3, `${job.name}: ${result.stderr}`);
      assert.match(result.stderr, /UNAVAILABLE/);
    }
  });
});
