// Pods that behave: probes, resources, non-root read-only containers, a grace period longer than the
// drain, headless gRPC Services, PDBs, NetworkPolicies, RBAC only for the watchdog, and the same
// container commands that `make up` runs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { stackComponents } from "@reviewlens/dev-stack";
import type { IContainer, IPodSpec } from "kubernetes-models/v1";
import { bundleOf, byKind, everythingEnabled, firstContainer, named, openChartWorkspace, podOf, repoRoot, type ChartWorkspace, type K8sObject } from "./helm-fixture.js";

interface Workload {
  kind: string;
  name: string;
  pod: IPodSpec;
}

function workloads(objects: K8sObject[]): Workload[] {
  const deployments = byKind(objects, "Deployment").map((d) => ({ kind: "Deployment", name: d.metadata.name, pod: podOf(d) }));
  const cronJobs = byKind(objects, "CronJob").map((c) => ({ kind: "CronJob", name: c.metadata.name, pod: podOf(c) }));
  return [...deployments, ...cronJobs];
}
const envOf = (container: IContainer, name: string): string | undefined => container.env?.find((e) => e.name === name)?.value;

let charts: ChartWorkspace;
let objects: K8sObject[];
before(() => {
  charts = openChartWorkspace();
  objects = charts.render("reviewlens", everythingEnabled);
});
after(() => charts.close());

describe("every container", () => {
  it("has resources, a non-root read-only security context and a writable /tmp", () => {
    const all = workloads(objects);
    assert.equal(all.length, 9); // 7 Deployments + 2 scheduler CronJobs
    for (const w of all) {
      assert.equal(w.pod.securityContext?.runAsNonRoot, true, w.name);
      assert.ok((w.pod.securityContext?.runAsUser ?? 0) > 0, w.name);
      for (const c of w.pod.containers) {
        assert.ok(c.resources?.requests?.["cpu"] && c.resources.requests["memory"], `${w.name}: requests`);
        assert.ok(c.resources.limits?.["memory"], `${w.name}: memory limit`);
        assert.equal(c.securityContext?.runAsNonRoot, true, w.name);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, w.name);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, w.name);
        assert.deepEqual(c.securityContext.capabilities?.drop, ["ALL"], w.name);
        assert.ok(c.volumeMounts?.some((m) => m.mountPath === "/tmp"), `${w.name}: /tmp`);
      }
    }
  });
  it("of a long-running component has liveness and readiness probes: native gRPC for the gRPC services", () => {
    for (const w of workloads(objects).filter((x) => x.kind === "Deployment")) {
      for (const c of w.pod.containers) {
        assert.ok(c.livenessProbe && c.readinessProbe, `${w.name}: probes`);
        const grpcPort = (c.ports ?? assert.fail(`${w.name}: no ports`)).find((p) => p.name === "grpc")?.containerPort;
        if (grpcPort) {
          assert.deepEqual(c.livenessProbe.grpc, { port: grpcPort, service: "liveness" }, w.name);
          assert.deepEqual(c.readinessProbe.grpc, { port: grpcPort }, `${w.name}: readiness is the overall status`);
        } else {
          assert.ok(c.livenessProbe.httpGet?.path, w.name);
        }
      }
    }
  });
  it("vLLM has a startup probe that waits for the model to load", () => {
    const c = firstContainer(podOf(named(objects, "Deployment", "rl-vllm")));
    assert.equal(c.startupProbe?.httpGet?.path, "/health");
    assert.ok((c.startupProbe.periodSeconds ?? NaN) * (c.startupProbe.failureThreshold ?? NaN) >= 600);
    assert.deepEqual(c.resources?.limits?.["nvidia.com/gpu"], 1);
  });
  it("gets a termination grace period longer than its DRAIN_TIMEOUT_MS plus the preStop pause", () => {
    const drained = workloads(objects).filter((w) => envOf(firstContainer(w.pod), "DRAIN_TIMEOUT_MS") !== undefined);
    assert.ok(drained.length >= 7);
    for (const w of drained) {
      const c = firstContainer(w.pod);
      const drainSeconds = Number(envOf(c, "DRAIN_TIMEOUT_MS")) / 1000;
      const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
      assert.ok((w.pod.terminationGracePeriodSeconds ?? NaN) > drainSeconds + preStop, `${w.name}: ${w.pod.terminationGracePeriodSeconds} s`);
    }
    const longer = workloads(charts.render("sentiment", ["--set", "drainTimeoutMs=45000"]))[0];
    assert.ok(longer && (longer.pod.terminationGracePeriodSeconds ?? NaN) > 45 + 3);
    assert.equal(envOf(firstContainer(longer.pod), "DRAIN_TIMEOUT_MS"), "45000");
  });
});

describe("wiring", () => {
  it("each service container runs the image's bundle of the program `make up` runs (tools/dev-stack)", () => {
    for (const component of stackComponents()) {
      const d = named(objects, "Deployment", `rl-${component.name}`);
      assert.ok(d, component.name);
      const c = firstContainer(podOf(d));
      assert.deepEqual(c.command, ["node", bundleOf(component.entry)], component.name);
      if (component.grpcPort) assert.equal(envOf(c, "GRPC_PORT"), String(component.grpcPort));
      if (component.metricsPort) assert.equal(envOf(c, "METRICS_PORT"), String(component.metricsPort));
    }
  });
  it("gRPC Services are headless and clients dial them with dns:///", () => {
    for (const name of ["inference-gateway", "vector-search", "sentiment", "summarization"]) {
      assert.equal((named(objects, "Service", `rl-${name}`) ?? assert.fail(name)).spec?.clusterIP, "None", name);
    }
    const sentiment = firstContainer(podOf(named(objects, "Deployment", "rl-sentiment")));
    assert.equal(envOf(sentiment, "GATEWAY_ADDR"), "dns:///rl-inference-gateway.reviewlens.svc:50051");
    assert.equal(envOf(sentiment, "VECTOR_SEARCH_ADDR"), "dns:///rl-vector-search.reviewlens.svc:50052");
    const gateway = firstContainer(podOf(named(objects, "Deployment", "rl-inference-gateway")));
    assert.equal(envOf(gateway, "GATEWAY_BACKEND_URLS"), "http://rl-vllm.reviewlens.svc:8000");
  });
  it("a PodDisruptionBudget selects the pods of each service", () => {
    for (const name of ["inference-gateway", "vector-search", "sentiment", "summarization", "vllm", "vllm-sim"]) {
      const pdb = named(objects, "PodDisruptionBudget", `rl-${name}`);
      const labels = (named(objects, "Deployment", `rl-${name}`) ?? assert.fail(name)).spec?.template.metadata?.labels ?? assert.fail(`${name}: no pod labels`);
      assert.ok(pdb, name);
      for (const [k, v] of Object.entries(pdb.spec?.selector?.matchLabels ?? assert.fail(`${name}: no selector`))) assert.equal(labels[k], v, `${name}: ${k}`);
    }
  });
  it("NetworkPolicies: only the gateway (and the watchdog's metric reads) reach vLLM; only analysis services and the facade's ingress reach the gateway", () => {
    const peers = (name: string) =>
      (named(objects, "NetworkPolicy", `rl-${name}`)?.spec?.ingress ?? assert.fail(`${name}: no ingress rules`)).map((rule) => ({
        from: (rule.from ?? assert.fail(`${name}: a rule without from`)).map((p) => p.podSelector?.matchLabels?.["app.kubernetes.io/name"] ?? `ns:${p.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"]}`),
        ports: (rule.ports ?? assert.fail(`${name}: a rule without ports`)).map((p) => p.port),
      }));
    assert.deepEqual(peers("vllm"), [
      { from: ["inference-gateway", "watchdog"], ports: [8000] },
      { from: ["ns:monitoring"], ports: [8000] },
    ]);
    assert.deepEqual(peers("inference-gateway"), [
      { from: ["sentiment", "summarization", "vector-search", "watchdog"], ports: [50051, 8080, 9461] },
      { from: ["ns:ingress-nginx"], ports: [8080] },
      { from: ["ns:monitoring"], ports: [9461] },
    ]);
  });
  it("only the watchdog gets RBAC: get/patch the scale of the vLLM Deployment, nothing else", () => {
    const roles = byKind(objects, "Role");
    assert.equal(roles.length, 1);
    const rules = (roles[0] ?? assert.fail("no Role")).rules ?? assert.fail("a Role without rules");
    assert.deepEqual(rules[0], { apiGroups: ["apps"], resources: ["deployments/scale"], resourceNames: ["rl-vllm"], verbs: ["get", "patch", "update"] });
    const binding = byKind(objects, "RoleBinding")[0] ?? assert.fail("no RoleBinding");
    assert.equal((binding.subjects ?? assert.fail("a RoleBinding without subjects"))[0]?.name, "rl-watchdog");
    const watchdog = podOf(named(objects, "Deployment", "rl-watchdog"));
    assert.equal(watchdog.serviceAccountName, "rl-watchdog");
    assert.ok((firstContainer(watchdog).args ?? assert.fail("the watchdog has no args")).includes("--k8s-deployment=rl-vllm"));
    for (const w of workloads(objects).filter((x) => x.name !== "rl-watchdog")) assert.equal(w.pod.automountServiceAccountToken, false, w.name);
  });
  it("the scheduler runs as CronJobs (one per analysis) with the tier table, never two runs of a job at once", () => {
    const cronJobs = byKind(objects, "CronJob");
    assert.deepEqual(cronJobs.map((c) => c.metadata.name), ["rl-scheduler-sentiment", "rl-scheduler-summary"]);
    for (const c of cronJobs) {
      assert.equal((c.spec ?? assert.fail(c.metadata.name)).concurrencyPolicy, "Forbid");
      const container = firstContainer(podOf(c));
      assert.equal(envOf(container, "SCHEDULER_TIERS"), "40-:10,10-39:30,0-9:60");
      // A whole number stays whole (Helm reads 1800000 as a float, which would print as 1.8e+06).
      assert.equal(envOf(container, "SCHEDULER_RUN_TIMEOUT_MS"), "1800000");
      assert.equal(envOf(container, "SENTIMENT_ADDR"), "dns:///rl-sentiment.reviewlens.svc:50053");
    }
    assert.deepEqual(firstContainer(podOf(cronJobs[1] ?? assert.fail("one CronJob"))).args, ["--analyses=summary"]);
  });
  it("the Dockerfile builds once, runs as a non-root user, and has a target per service running the same command", () => {
    // What it runs; test/containers builds it and runs every component from it.
    const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
    assert.match(dockerfile, /npm ci --no-audit/);
    assert.match(dockerfile, /RUN npm run proto && node scripts\/bundle-services.mjs/);
    assert.match(dockerfile, /^USER node$/m);
    const targets = new Map([...dockerfile.matchAll(/^FROM runtime AS ([a-z-]+)\nCMD (\[.*\])$/gm)].map((m) => [m[1], JSON.parse(m[2] as string) as string[]]));
    for (const component of stackComponents()) {
      assert.deepEqual(targets.get(component.name), ["node", bundleOf(component.entry)], component.name);
    }
    const ignored = readFileSync(join(repoRoot, ".dockerignore"), "utf8").split("\n");
    for (const path of ["node_modules", ".git", "libs/contracts/src/gen", ".tools"]) assert.ok(ignored.includes(path), `.dockerignore: ${path}`);
  });
});
