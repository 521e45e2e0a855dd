// The charts' pods, played (issue 17): the umbrella chart rendered with k8s/examples/values-no-gpu.yaml
// and the image `make image` built, then `podman kube play` of every rendered Deployment (with the
// chart's ConfigMaps, and the Secrets it references, made here as an operator would) and of the
// scheduler CronJobs' pod templates as Pods that run to completion. The YAML differs from a cluster's
// only where podman must (kube-play-manifests.ts). PostgreSQL and Redis are the test's servers on
// loopback, reached by URL through the Secrets. No Kubernetes API server exists here: Services, HPAs,
// PDBs, NetworkPolicies and RBAC stay validated by test/helm only.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stringify } from "yaml";
import { ingestFile, ServiceClients } from "@reviewlens/cli";
import { freePorts } from "@reviewlens/demo";
import { generateDataset, toJsonLines } from "@reviewlens/demo-data";
import { createTestDatabase, waitFor, type TestDatabase } from "@reviewlens/testkit";
import type { IContainer, IProbe } from "kubernetes-models/v1";
import { byKind, openChartWorkspace, podOf, podTemplateOf, type K8sObject, type Rendered } from "../helm/helm-fixture.js";
import { healthStatus, SERVING } from "./grpc-checks.js";
import {
  chartPorts, deploymentPod, hostsFile, movePorts, playableDeployment, podContainer, podOfCronJob,
} from "./kube-play-manifests.js";
import { containerState, image, lastLogLines, podman, waitForContainer, waitForExit } from "./podman.js";

const prefix = `rl-pods-${process.pid}`;
const namespace = "reviewlens";
const work = mkdtempSync(join(tmpdir(), "reviewlens-pods-"));
const hostsPath = join(work, "hosts");
const secretNames = { postgres: `${prefix}-postgres`, redis: `${prefix}-redis` };

/** The test's values on top of the example: the Secrets' names, and the watchdog podman can run. */
const testValues = {
  sentiment: { secretEnv: { DATABASE_URL: { secretName: secretNames.postgres, key: "url" }, REDIS_URL: { secretName: secretNames.redis, key: "url" } } },
  summarization: { secretEnv: { DATABASE_URL: { secretName: secretNames.postgres, key: "url" }, REDIS_URL: { secretName: secretNames.redis, key: "url" } } },
  scheduler: { secretEnv: { DATABASE_URL: { secretName: secretNames.postgres, key: "url" } } },
  // No API server for the kubernetes actuator: a dry run (which calls nothing) watching the
  // simulator through its Service, deciding within seconds instead of the chart's minutes.
  watchdog: {
    enabled: true,
    args: [
      "--dry-run", "--actuator=none", "--gpu-signal=none",
      '--gateway-metrics-url=http://{{ include "reviewlens-lib.peerHost" (list . "inference-gateway") }}:9461/metrics',
      '--vllm-metrics-url=http://{{ include "reviewlens-lib.peerHost" (list . "vllm-sim") }}:8000/metrics',
      "--check-interval=1", "--idle-limit=2", "--min-runtime=0",
    ],
  },
};

interface Decision {
  decision: string;
  signals: { gateway?: Record<string, unknown>; vllm: ({ source: string } & Record<string, unknown>)[] };
}

interface Played {
  /** The Deployment as rendered, with the ports moved (what the probes and the comparison read). */
  rendered: Rendered<"Deployment">;
  pod: string;
  container: IContainer;
  containerName: string;
  grace: number;
}

let objects: K8sObject[];
let database: TestDatabase;
let moved: Map<number, number>;
const played = new Map<string, Played>();
const secretValues = new Map<string, Record<string, string>>();

/** A Kubernetes Secret, as an operator would create it beside the chart. */
const secret = (name: string, values: Record<string, string>): K8sObject => ({
  apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type: "Opaque",
  data: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
});

/** Runs a probe the chart declares, as the kubelet would, against the container's (moved) port. */
async function probePasses(c: IContainer, probe: IProbe): Promise<boolean> {
  if (probe.grpc) return (await healthStatus(`127.0.0.1:${probe.grpc.port}`, probe.grpc.service ?? "")) === SERVING;
  if (probe.httpGet) {
    const { port, path } = probe.httpGet;
    const number = typeof port === "number" ? port : c.ports?.find((p) => p.name === port)?.containerPort;
    const res = await fetch(`http://127.0.0.1:${number}${path}`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status >= 200 && res.status < 400;
  }
  throw new Error(`${c.name}: a probe this test does not run: ${JSON.stringify(probe)}`);
}

const playedNames = () => podman(["pod", "ps", "--format", "{{.Name}}"], true).stdout.split("\n").filter((n) => n.startsWith(prefix));

before(async () => {
  podman(["image", "exists", image]);
  database = await createTestDatabase("pods");
  const valuesPath = join(work, "test-values.yaml");
  writeFileSync(valuesPath, stringify(testValues));
  const [repository, tag] = [image.slice(0, image.lastIndexOf(":")), image.slice(image.lastIndexOf(":") + 1)];
  const charts = openChartWorkspace();
  try {
    objects = charts.render("reviewlens", ["-f", "k8s/examples/values-no-gpu.yaml", "-f", valuesPath, "--set", `global.image.repository=${repository}`, "--set", `global.image.tag=${tag}`]);
  } finally {
    charts.close();
  }
  const deployments = byKind(objects, "Deployment");
  const ports = await freePorts(chartPorts(deployments).map(String));
  moved = new Map(Object.entries(ports).map(([from, to]) => [Number(from), to]));
  writeFileSync(hostsPath, hostsFile(byKind(objects, "Service"), namespace));

  // podman 4.3 reads a secretKeyRef from a podman secret holding the Secret's data as JSON (a Secret
  // document given to `kube play` is stored in a form its own lookup cannot read back).
  const secrets = [
    secret(secretNames.postgres, { url: database.url }),
    secret(secretNames.redis, { url: process.env["TEST_REDIS_URL"] ?? "" }),
  ];
  for (const s of secrets) {
    const file = join(work, `${s.metadata.name}.json`);
    writeFileSync(file, JSON.stringify(s["data"]), { mode: 0o600 });
    podman(["secret", "create", s.metadata.name, file]);
    secretValues.set(s.metadata.name, Object.fromEntries(Object.entries(s["data"] as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, "base64").toString()])));
  }

  const manifests: K8sObject[] = [...byKind(objects, "ConfigMap")];
  for (const d of deployments) {
    const rendered = movePorts(d, moved);
    const name = `${prefix}-${d.metadata.name}`;
    const spec = podOf(rendered);
    const container = spec.containers[0] ?? assert.fail(`${d.metadata.name}: no container`);
    const pod = deploymentPod(name);
    played.set(d.metadata.name.replace(/^rl-/, ""), { rendered, pod, container, containerName: podContainer(pod, container.name), grace: spec.terminationGracePeriodSeconds ?? 30 });
    manifests.push(playableDeployment(rendered, name, hostsPath));
  }
  const file = join(work, "deployments.yaml");
  writeFileSync(file, manifests.map((m) => stringify(m)).join("---\n"));
  const play = podman(["kube", "play", file], true);
  assert.equal(play.code, 0, `podman kube play: ${play.stderr}`);
  for (const p of played.values()) {
    const probe = p.container.readinessProbe;
    assert.ok(probe, `${p.container.name} declares a readinessProbe`);
    await waitForContainer(p.containerName, () => probePasses(p.container, probe), "ready (its readinessProbe)");
  }
});

after(async () => {
  const pods = playedNames();
  if (pods.length > 0) podman(["pod", "rm", "-f", "-t", "0", ...pods], true);
  const volumes = podman(["volume", "ls", "--format", "{{.Name}}"], true).stdout.split("\n").filter((n) => n.startsWith(prefix));
  if (volumes.length > 0) podman(["volume", "rm", "-f", ...volumes], true);
  for (const name of Object.values(secretNames)) podman(["secret", "rm", name], true);
  await database?.drop().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

describe("the charts' pods, played with podman", () => {
  it("renders a Deployment per component and the scheduler's CronJobs; every Service's port is its pod's container port", () => {
    assert.deepEqual([...played.keys()].sort(), ["inference-gateway", "sentiment", "summarization", "vector-search", "vllm-sim", "watchdog"]);
    assert.deepEqual(byKind(objects, "CronJob").map((c) => c.metadata.name), ["rl-scheduler-sentiment", "rl-scheduler-summary"]);
    // What lets a Service name stand for 127.0.0.1 here: each Service selects one Deployment's pods
    // and forwards each port to the container port of the same number.
    for (const s of byKind(objects, "Service")) {
      const spec = s.spec ?? assert.fail(`${s.metadata.name}: no spec`);
      const selector = spec.selector ?? assert.fail(`${s.metadata.name}: no selector`);
      const labelsOf = (d: Rendered<"Deployment">) => podTemplateOf(d).metadata?.labels ?? assert.fail(`${d.metadata.name}: no pod labels`);
      const targets = byKind(objects, "Deployment").filter((d) => Object.entries(selector).every(([k, v]) => labelsOf(d)[k] === v));
      assert.equal(targets.length, 1, `${s.metadata.name} selects one Deployment`);
      const ports = podOf(targets[0]).containers[0]?.ports ?? [];
      for (const p of spec.ports ?? assert.fail(`${s.metadata.name}: no ports`)) {
        const target = ports.find((c) => c.name === p.targetPort || c.containerPort === p.targetPort);
        assert.equal(target?.containerPort, p.port, `${s.metadata.name}:${p.port}`);
      }
    }
  });

  it("runs every container with the chart's command, args, env (Secrets resolved) and mounts, as uid 1000 on a read-only root", () => {
    for (const p of played.values()) {
      const c = p.container;
      const [inspected] = JSON.parse(podman(["inspect", p.containerName]).stdout) as {
        Path: string; Args: string[]; Config: { Env: string[]; User: string }; HostConfig: { ReadonlyRootfs: boolean }; Mounts: { Destination: string }[];
      }[];
      assert.ok(inspected, `podman inspect ${p.containerName}`);
      assert.deepEqual([inspected.Path, ...inspected.Args], [...(c.command ?? []), ...(c.args ?? [])], c.name);
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        const value = ref ? secretValues.get(ref.name ?? "")?.[ref.key] : e.value;
        assert.ok(inspected.Config.Env.includes(`${e.name}=${value}`), `${c.name}: ${e.name}`);
      }
      for (const m of c.volumeMounts ?? []) assert.ok(inspected.Mounts.some((x) => x.Destination === m.mountPath), `${c.name}: ${m.mountPath}`);
      assert.equal(inspected.HostConfig.ReadonlyRootfs, true, c.name);
      assert.equal(podman(["exec", p.containerName, "id", "-u"]).stdout.trim(), "1000", c.name);
      const write = podman(["exec", p.containerName, "touch", "/app/written"], true);
      assert.match(write.stderr, /Read-only file system/, c.name);
      for (const m of c.volumeMounts ?? []) assert.equal(podman(["exec", p.containerName, "touch", `${m.mountPath}/written`]).code, 0, `${c.name} writes ${m.mountPath}`);
    }
  });

  it("passes each container's liveness and startup probes too (gRPC health `liveness` or the HTTP path), run against its port", async () => {
    for (const p of played.values()) {
      for (const probe of [p.container.livenessProbe, p.container.startupProbe]) {
        if (probe) await waitForContainer(p.containerName, () => probePasses(p.container, probe), "passing its probe");
      }
      assert.equal(containerState(p.containerName).restarts, 0, p.container.name);
    }
  });

  it("runs the scheduler CronJobs' pods to completion through the Services: due restaurants analysed, then none due (the state is in the Secret's PostgreSQL)", async () => {
    const dataset = join(work, "reviews.jsonl");
    writeFileSync(dataset, toJsonLines(generateDataset({ restaurants: 3, maxReviews: 30 }).reviews));
    const clients = new ServiceClients({ vectorSearch: `127.0.0.1:${moved.get(50052)}`, gateway: "", sentiment: "", summarization: "", tls: false, timeoutMs: 120_000 });
    try {
      const ingested = await ingestFile(clients, dataset, { batchSize: 100, progress: false });
      assert.equal(ingested.rejected, 0);
      assert.equal(ingested.restaurantsUpdated, 3);
    } finally {
      clients.close();
    }
    const runs: Record<string, { due: number; outcomes: Record<string, number> }> = {};
    for (const [job, run] of [["sentiment", 1], ["sentiment", 2], ["summary", 1]] as const) {
      const cronJob = byKind(objects, "CronJob").find((c) => c.metadata.name === `rl-scheduler-${job}`) ?? assert.fail(`no CronJob rl-scheduler-${job}`);
      const name = `${prefix}-scheduler-${job}-${run}`;
      const file = join(work, `${name}.yaml`);
      writeFileSync(file, stringify(podOfCronJob(movePorts(cronJob, moved), name, hostsPath)));
      const play = podman(["kube", "play", file], true);
      assert.equal(play.code, 0, `podman kube play ${name}: ${play.stderr}`);
      const container = podContainer(name, "scheduler");
      const state = await waitForExit(container, "one scheduler run");
      const logs = podman(["logs", container]).stdout;
      assert.equal(state.exitCode, 0, `${name} exited ${state.exitCode}:\n${lastLogLines(container, 40)}`);
      const summary = /^summary: (.*)$/m.exec(logs);
      assert.ok(summary, logs);
      runs[`${job}-${run}`] = JSON.parse(summary[1] as string) as { due: number; outcomes: Record<string, number> };
    }
    assert.equal(runs["sentiment-1"]?.due, 3);
    assert.equal(runs["sentiment-1"]?.outcomes["completed"], 3);
    assert.equal(runs["sentiment-2"]?.due, 0, "the first run's successes, read back from PostgreSQL");
    assert.equal(runs["summary-1"]?.due, 3);
    assert.equal(runs["summary-1"]?.outcomes["completed"], 3);
  });

  it("the watchdog decides in dry run, reading the simulator and the gateway through their Services", async () => {
    const watchdog = played.get("watchdog") as Played;
    const decisions = () =>
      podman(["logs", watchdog.containerName]).stdout.split("\n").filter((l) => l.includes('"decision"')).map((l) => JSON.parse(l) as Decision);
    // A stop needs idle checks in a row, and an unknown signal resets the count: the signals were read.
    const stop = await waitFor(() => decisions().find((d) => d.decision === "stop"), "a dry-run stop decision", 120_000, 500);
    assert.ok(stop.signals.gateway && !("unknown" in stop.signals.gateway), JSON.stringify(stop.signals));
    assert.ok(stop.signals.vllm.length === 1 && !("unknown" in (stop.signals.vllm[0] ?? {})), JSON.stringify(stop.signals));
    assert.match(stop.signals.vllm[0]?.source ?? "", /rl-vllm-sim\.reviewlens\.svc/);
    // The scheduler's analyses ran since it started: the simulator it watches is the one they used.
    await waitFor(() => decisions().some((d) => d.decision === "busy" || d.decision === "resumed"), "a decision that saw the analyses", 120_000, 500);
    assert.match(lastLogLines(watchdog.containerName, 400), /dry run: would stop/);
    assert.equal(containerState(watchdog.containerName).status, "running");
  });

  it("stops each pod within its rendered terminationGracePeriodSeconds with exit code 0 (SIGTERM, drain)", () => {
    for (const p of played.values()) {
      const stop = podman(["pod", "stop", "-t", String(p.grace), p.pod], true);
      assert.equal(stop.code, 0, stop.stderr);
      const state = containerState(p.containerName);
      assert.equal(state.exitCode, 0, `${p.container.name} exited ${state.exitCode} (137: killed after ${p.grace} s):\n${lastLogLines(p.containerName)}`);
    }
  });
});
