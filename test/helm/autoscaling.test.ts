// Each of the four services and vLLM gets its own autoscaler (an autoscaling/v2 HPA, or a KEDA
// ScaledObject with engine=keda) aimed at its own Deployment, with the metrics its values name, and
// that Deployment leaves `replicas` to the autoscaler.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { byKind, named, openChartWorkspace, repoRoot, scaledCharts, type ChartWorkspace, type K8sObject } from "./helm-fixture.js";

interface ValuesMetric {
  type: string;
  pods?: { metric: { name: string }; target: { averageValue: string } };
  external?: { metric: { name: string }; target: { averageValue: string } };
}
interface ChartValues {
  autoscaling: { minReplicas: number; maxReplicas: number; cpu: { enabled: boolean; targetAverageUtilization: number }; metrics: ValuesMetric[]; behavior: unknown };
}
const valuesOf = (chart: string) => parse(readFileSync(join(repoRoot, "helm", chart, "values.yaml"), "utf8")) as ChartValues;
const spec = (o: K8sObject | undefined) => (o?.spec ?? {}) as Record<string, any>;  

let charts: ChartWorkspace;
before(() => {
  charts = openChartWorkspace();
});
after(() => charts.close());

describe("HPA per service (autoscaling/v2)", () => {
  let objects: K8sObject[];
  before(() => {
    objects = charts.render("reviewlens", ["--set", "vllm-sim.enabled=true"]);
  });
  for (const chart of scaledCharts) {
    it(`${chart}: targets its Deployment, metrics and limits from values, no replicas on the Deployment`, () => {
      const values = valuesOf(chart).autoscaling;
      const hpa = named(objects, "HorizontalPodAutoscaler", `rl-${chart}`);
      assert.ok(hpa, `no HPA for ${chart}`);
      const ref = spec(hpa)["scaleTargetRef"];
      assert.equal(ref.kind, "Deployment");
      const deployment = named(objects, "Deployment", ref.name);
      assert.ok(deployment, `the HPA's target ${ref.name} does not exist`);
      assert.equal(spec(deployment)["replicas"], undefined, "the Deployment sets replicas while an HPA owns them");
      assert.equal(spec(hpa)["minReplicas"], values.minReplicas);
      assert.equal(spec(hpa)["maxReplicas"], values.maxReplicas);
      assert.deepEqual(spec(hpa)["behavior"], values.behavior);

      const rendered = (spec(hpa)["metrics"] as Record<string, any>[]).map((m) =>  
        m["type"] === "Resource" ? `cpu ${m["resource"].target.averageUtilization}%` : `${m["type"]} ${m[m["type"].toLowerCase()].metric.name} ${m[m["type"].toLowerCase()].target.averageValue}`,
      );
      const expected = [
        ...(values.cpu.enabled ? [`cpu ${values.cpu.targetAverageUtilization}%`] : []),
        ...values.metrics.map((m) => {
          const source = m.pods ?? m.external;
          return `${m.type} ${source?.metric.name} ${source?.target.averageValue}`;
        }),
      ];
      assert.deepEqual(rendered, expected);
      assert.ok(rendered.length > 0);
    });
  }
  it("each service scales on its own signal", () => {
    const metricNames = (chart: string) => JSON.stringify(spec(named(objects, "HorizontalPodAutoscaler", `rl-${chart}`))["metrics"]);
    assert.match(metricNames("inference-gateway"), /"name":"cpu".*"name":"gateway_queue_depth"/);
    assert.match(metricNames("sentiment"), /rpc_server_in_flight_calls/);
    assert.match(metricNames("summarization"), /rpc_server_in_flight_calls/);
    assert.match(metricNames("vector-search"), /"name":"cpu"/);
    assert.match(metricNames("vllm"), /"external":\{"metric":\{"name":"gateway_queue_depth","selector":\{"matchLabels":\{"service":"rl-inference-gateway"\}\}\}.*"vllm_num_requests_waiting"/);
  });
  it("scale-in is slower than scale-out", () => {
    for (const chart of scaledCharts) {
      const behavior = spec(named(objects, "HorizontalPodAutoscaler", `rl-${chart}`))["behavior"];
      assert.ok(behavior.scaleDown.stabilizationWindowSeconds > behavior.scaleUp.stabilizationWindowSeconds, chart);
    }
  });
  it("a value given at install time reaches the HPA", () => {
    const objects = charts.render("reviewlens", ["--set", "sentiment.autoscaling.maxReplicas=7", "--set", "inference-gateway.autoscaling.cpu.targetAverageUtilization=55"]);
    assert.equal(spec(named(objects, "HorizontalPodAutoscaler", "rl-sentiment"))["maxReplicas"], 7);
    assert.equal(spec(named(objects, "HorizontalPodAutoscaler", "rl-inference-gateway"))["metrics"][0].resource.target.averageUtilization, 55);
  });
  it("with autoscaling disabled there is no HPA and the Deployment sets replicas", () => {
    const alone = charts.render("vector-search", ["--set", "autoscaling.enabled=false", "--set", "replicaCount=3"]);
    assert.equal(byKind(alone, "HorizontalPodAutoscaler").length, 0);
    assert.equal(spec(named(alone, "Deployment", "rl-vector-search"))["replicas"], 3);
  });
  it("the watchdog and the scheduler are not autoscaled", () => {
    assert.equal(named(objects, "HorizontalPodAutoscaler", "rl-watchdog"), undefined);
    assert.equal(spec(named(objects, "Deployment", "rl-watchdog"))["replicas"], 1);
  });
});

describe("KEDA ScaledObjects with autoscaling.engine=keda", () => {
  let objects: K8sObject[];
  before(() => {
    objects = charts.render("reviewlens", ["--set", "global.autoscaling.engine=keda", "--set", "vllm.autoscaling.minReplicas=0"]);
  });
  it("replace every HPA", () => {
    assert.equal(byKind(objects, "HorizontalPodAutoscaler").length, 0);
    assert.equal(byKind(objects, "ScaledObject").length, scaledCharts.length);
  });
  for (const chart of scaledCharts) {
    it(`${chart}: a Prometheus trigger per custom metric, with the values' threshold, aimed at its Deployment`, () => {
      const values = valuesOf(chart).autoscaling;
      const scaled = named(objects, "ScaledObject", `rl-${chart}`);
      assert.ok(scaled);
      const ref = spec(scaled)["scaleTargetRef"];
      const deployment = named(objects, "Deployment", ref.name);
      assert.ok(deployment, `target ${ref.name} missing`);
      assert.equal(spec(deployment)["replicas"], undefined);
      const triggers = spec(scaled)["triggers"] as { type: string; metadata: Record<string, string> }[];
      const prometheus = triggers.filter((t) => t.type === "prometheus" && (t as { name?: string }).name !== "active-while");
      assert.equal(prometheus.length, values.metrics.length);
      prometheus.forEach((t, i) => {
        const source = values.metrics[i]?.pods ?? values.metrics[i]?.external;
        assert.equal(t.metadata["threshold"], source?.target.averageValue);
        assert.match(t.metadata["query"] ?? "", /namespace="reviewlens"/);
        assert.match(t.metadata["serverAddress"] ?? "", /^http:\/\/prometheus-operated\.monitoring\.svc:9090$/);
      });
      assert.equal(triggers.some((t) => t.type === "cpu"), values.cpu.enabled);
      assert.deepEqual(spec(scaled)["advanced"].horizontalPodAutoscalerConfig.behavior, values.behavior);
    });
  }
  it("vLLM may scale to zero under KEDA", () => {
    assert.equal(spec(named(objects, "ScaledObject", "rl-vllm"))["minReplicaCount"], 0);
    assert.match(JSON.stringify(spec(named(objects, "ScaledObject", "rl-vllm"))["triggers"]), /vllm:num_requests_waiting\{namespace=\\"reviewlens\\",service=\\"rl-vllm\\"\}/);
  });
  it("vLLM wakes from zero on the gateway's held requests, and stays active while work is queued or in flight anywhere", () => {
    const triggers = spec(named(objects, "ScaledObject", "rl-vllm"))["triggers"] as { name: string; metadata: Record<string, string> }[];
    const wake = triggers.find((t) => t.name === "gateway-cold-pool-queued-requests");
    assert.equal(wake?.metadata["query"], 'sum(gateway_cold_pool_queued_requests{namespace="reviewlens",service="rl-inference-gateway"})');
    assert.equal(wake?.metadata["activationThreshold"], "0", "the first held request activates the Deployment");
    const active = triggers.find((t) => t.name === "active-while");
    assert.match(active?.metadata["query"] ?? "", /^sum\(gateway_requests_in_flight\{namespace="reviewlens",service="rl-inference-gateway"\}\) \+ sum\(gateway_queue_depth\{/);
    assert.deepEqual([active?.metadata["activationThreshold"], Number(active?.metadata["threshold"]) >= 1e9], ["0", true], "activity keeps one replica, never asks for more");
    assert.equal(triggers.filter((t) => t.metadata["activationThreshold"] !== undefined).map((t) => t.name).sort().join(","), "active-while,gateway-cold-pool-queued-requests");
  });
});

describe("scale to zero, as the README's examples install it", () => {
  const example = (name: string) => ["-f", join(repoRoot, "k8s", "examples", name)];
  const gatewayEnv = (objects: K8sObject[]) =>
    Object.fromEntries(((spec(named(objects, "Deployment", "rl-inference-gateway"))["template"].spec.containers[0].env ?? []) as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
  it("by default nothing is wakeable and the watchdog only stops", () => {
    const objects = charts.render("reviewlens");
    assert.equal(gatewayEnv(objects)["GATEWAY_WAKEABLE"], "false");
    const args = spec(named(objects, "Deployment", "rl-watchdog"))["template"].spec.containers[0].args as string[];
    assert.ok(!args.includes("--wake") && !args.includes(""), args.join(" "));
  });
  it("KEDA: vLLM at zero replicas allowed, a wakeable gateway, no watchdog", () => {
    const objects = charts.render("reviewlens", example("values-scale-to-zero-keda.yaml"));
    assert.equal(spec(named(objects, "ScaledObject", "rl-vllm"))["minReplicaCount"], 0);
    assert.deepEqual([gatewayEnv(objects)["GATEWAY_WAKEABLE"], gatewayEnv(objects)["GATEWAY_WAKE_COLD_START_MS"]], ["true", "180000"]);
    assert.equal(named(objects, "Deployment", "rl-watchdog"), undefined);
  });
  it("HPA + watchdog: the HPA reads the wake signal too, the watchdog wakes vLLM through the scale subresource it may read and patch", () => {
    const objects = charts.render("reviewlens", example("values-scale-to-zero-watchdog.yaml"));
    assert.equal(gatewayEnv(objects)["GATEWAY_WAKEABLE"], "true");
    assert.match(JSON.stringify(spec(named(objects, "HorizontalPodAutoscaler", "rl-vllm"))["metrics"]), /"name":"gateway_cold_pool_queued_requests","selector":\{"matchLabels":\{"service":"rl-inference-gateway"\}\}/);
    const args = spec(named(objects, "Deployment", "rl-watchdog"))["template"].spec.containers[0].args as string[];
    assert.ok(args.includes("--wake") && args.includes("--actuator=kubernetes") && args.includes("--k8s-deployment=rl-vllm"), args.join(" "));
    const role = named(objects, "Role", "rl-watchdog") as unknown as { rules: { resources: string[]; verbs: string[]; resourceNames: string[] }[] };
    const scaleRule = role.rules.find((r) => r.resources.includes("deployments/scale"));
    assert.deepEqual([scaleRule?.resourceNames, scaleRule?.verbs.includes("get"), scaleRule?.verbs.includes("patch")], [["rl-vllm"], true, true]);
  });
});
