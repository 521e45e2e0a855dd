// k8s/ builds with `kubectl kustomize`, its objects are valid, prometheus-adapter serves every custom
// metric the charts' HPAs ask for, and the Grafana dashboard queries the metrics it promises.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { before, describe, it } from "node:test";
import { parse } from "yaml";
import { byKind, kubectlBin, named, openChartWorkspace, parseObjects, repoRoot, run, type K8sObject } from "./helm-fixture.js";
import { hpaMetricSource } from "./k8s-kinds.js";
import { validateObject } from "./kubernetes-schemas.js";

interface AdapterRule {
  seriesQuery: string;
  name: { matches: string; as?: string };
}

let objects: K8sObject[];
let hpaMetrics: { type: string; name: string }[];
before(() => {
  execFileSync("bash", ["scripts/fetch-k8s-tools.sh"], { cwd: repoRoot, stdio: "ignore" });
  const r = run(kubectlBin, ["kustomize", "k8s"]);
  assert.equal(r.status, 0, r.stderr);
  objects = parseObjects(r.stdout);
  const charts = openChartWorkspace();
  try {
    hpaMetrics = byKind(charts.render("reviewlens"), "HorizontalPodAutoscaler").flatMap((h) =>
      (h.spec?.metrics ?? [])
        .filter((m) => m.type !== "Resource")
        .map((m) => ({ type: m.type, name: hpaMetricSource(m).metric.name })),
    );
  } finally {
    charts.close();
  }
});

describe("kubectl kustomize k8s", () => {
  it("builds a namespace, the adapter rules and the dashboard, all valid", () => {
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(), ["ConfigMap/reviewlens-adapter-rules", "ConfigMap/reviewlens-dashboard", "Namespace/reviewlens"]);
    for (const o of objects) validateObject(o);
  });
  it("an invalid object is caught by the same validation", () => {
    assert.throws(() => validateObject({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "x" }, spec: { scaleTargetRef: { kind: "Deployment", name: "x" }, maxReplicas: "ten" } }), /maxReplicas must be integer/);
    assert.throws(() => validateObject({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "x" } }), /no schema/);
  });
  it("prometheus-adapter exposes every custom and external metric the HPAs use", () => {
    const config = parse(named(objects, "ConfigMap", "reviewlens-adapter-rules")?.data?.["config.yaml"] ?? "") as {
      rules: AdapterRule[];
      externalRules: AdapterRule[];
    };
    // The name a rule serves: `as`, else the series name itself.
    const served = (rules: AdapterRule[]) => new Set(rules.map((r) => r.name.as ?? r.seriesQuery.replace(/\{.*$/, "")));
    const custom = served(config.rules);
    const external = served(config.externalRules);
    assert.ok(hpaMetrics.length >= 5);
    for (const m of hpaMetrics) assert.ok((m.type === "External" ? external : custom).has(m.name), `${m.type} metric ${m.name} has no adapter rule`);
    for (const r of [...config.rules, ...config.externalRules]) assert.match(r.name.as ?? "", /^[a-z_]+$/, "custom metric names cannot hold a colon");
  });
  it("the dashboard is labelled for Grafana's sidecar and charts queue depth by class, TTFT/TPOT, goodput and replicas", () => {
    const dashboard = named(objects, "ConfigMap", "reviewlens-dashboard");
    assert.equal(dashboard?.metadata.labels?.["grafana_dashboard"], "1");
    const json = JSON.parse(dashboard?.data?.["reviewlens.json"] ?? "") as { panels: { title: string; targets: { expr: string }[] }[] };
    const exprs = json.panels.flatMap((p) => p.targets.map((t) => t.expr)).join("\n");
    for (const needle of ["sum by (priority) (gateway_queue_depth", "gateway_ttft_seconds_bucket", "gateway_tpot_seconds_bucket", "gateway_goodput_requests_total", "kube_horizontalpodautoscaler_status_desired_replicas", "vllm:num_requests_waiting"]) {
      assert.ok(exprs.includes(needle), `no panel queries ${needle}`);
    }
    for (const p of json.panels) assert.ok(p.targets.length > 0, `${p.title} has no query`);
  });
});
