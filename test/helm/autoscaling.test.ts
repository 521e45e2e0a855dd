// Each of the four services and vLLM gets its own autoscaler (an autoscaling/v2 HPA, or a KEDA
// ScaledObject with engine=keda) aimed at its own Deployment, with the metrics its values name, and
// that Deployment leaves `replicas` to the autoscaler.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { loadConfig } from "@reviewlens/watchdog/config";
import { byKind, firstContainer, named, openChartWorkspace, podOf, repoRoot, scaledCharts, type ChartWorkspace, type K8sObject } from "./helm-fixture.js";
import { hpaMetricSource } from "./k8s-kinds.js";

interface ValuesMetric {
  type: string;
  pods?: { metric: { name: string }; target: { averageValue: string } };
  external?: { metric: { name: string }; target: { averageValue: string } };
}
interface ChartValues {
  autoscaling: { minReplicas: number; maxReplicas: number; cpu: { enabled: boolean; targetAverageUtilization: number }; metrics: ValuesMetric[]; behavior: unknown };
}
const valuesOf = (chart: string) => parse(readFileSync(join(repoRoot, "helm", chart, "values.yaml"), "utf8")) as ChartValues;

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
      const ref = (hpa.spec ?? assert.fail(`${chart}: the HPA has no spec`)).scaleTargetRef;
      assert.equal(ref.kind, "Deployment");
      const deployment = named(objects, "Deployment", ref.name);
      assert.ok(deployment, `the HPA's target ${ref.name} does not exist`);
      assert.equal(deployment.spec?.replicas, undefined, "the Deployment sets replicas while an HPA owns them");
      assert.equal(hpa.spec.minReplicas, values.minReplicas);
      assert.equal(hpa.spec.maxReplicas, values.maxReplicas);
      assert.deepEqual(hpa.spec.behavior, values.behavior);

      const rendered = (hpa.spec.metrics ?? assert.fail(`${chart}: the HPA has no metrics`)).map((m) => {
        if (m.type === "Resource") return `cpu ${(m.resource ?? assert.fail(`${chart}: a Resource metric without resource`)).target.averageUtilization}%`;
        const source = hpaMetricSource(m);
        return `${m.type} ${source.metric.name} ${source.target.averageValue}`;
      });
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
    const metricNames = (chart: string) => JSON.stringify(named(objects, "HorizontalPodAutoscaler", `rl-${chart}`)?.spec?.metrics);
    assert.match(metricNames("inference-gateway"), /"name":"cpu".*"name":"gateway_queue_depth"/);
    assert.match(metricNames("sentiment"), /rpc_server_in_flight_calls/);
    assert.match(metricNames("summarization"), /rpc_server_in_flight_calls/);
    assert.match(metricNames("vector-search"), /"name":"cpu"/);
    assert.match(metricNames("vllm"), /"external":\{"metric":\{"name":"gateway_queue_depth","selector":\{"matchLabels":\{"service":"rl-inference-gateway"\}\}\}.*"vllm_num_requests_waiting"/);
  });
  it("scale-in is slower than scale-out", () => {
    for (const chart of scaledCharts) {
      const behavior = named(objects, "HorizontalPodAutoscaler", `rl-${chart}`)?.spec?.behavior ?? assert.fail(`${chart}: no behavior`);
      const window = (rules: typeof behavior.scaleUp) => rules?.stabilizationWindowSeconds ?? assert.fail(`${chart}: no stabilization window`);
      assert.ok(window(behavior.scaleDown) > window(behavior.scaleUp), chart);
    }
  });
  it("a value given at install time reaches the HPA", () => {
    const objects = charts.render("reviewlens", ["--set", "sentiment.autoscaling.maxReplicas=7", "--set", "inference-gateway.autoscaling.cpu.targetAverageUtilization=55"]);
    assert.equal(named(objects, "HorizontalPodAutoscaler", "rl-sentiment")?.spec?.maxReplicas, 7);
    assert.equal(named(objects, "HorizontalPodAutoscaler", "rl-inference-gateway")?.spec?.metrics?.[0]?.resource?.target.averageUtilization, 55);
  });
  it("with autoscaling disabled there is no HPA and the Deployment sets replicas", () => {
    const alone = charts.render("vector-search", ["--set", "autoscaling.enabled=false", "--set", "replicaCount=3"]);
    assert.equal(byKind(alone, "HorizontalPodAutoscaler").length, 0);
    assert.equal(named(alone, "Deployment", "rl-vector-search")?.spec?.replicas, 3);
  });
  it("the watchdog and the scheduler are not autoscaled", () => {
    assert.equal(named(objects, "HorizontalPodAutoscaler", "rl-watchdog"), undefined);
    assert.equal(named(objects, "Deployment", "rl-watchdog")?.spec?.replicas, 1);
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
      const ref = scaled.spec.scaleTargetRef;
      const deployment = named(objects, "Deployment", ref.name);
      assert.ok(deployment, `target ${ref.name} missing`);
      assert.equal(deployment.spec?.replicas, undefined);
      const triggers = scaled.spec.triggers;
      const prometheus = triggers.filter((t) => t.type === "prometheus" && t.name !== "active-while");
      assert.equal(prometheus.length, values.metrics.length);
      prometheus.forEach((t, i) => {
        const source = values.metrics[i]?.pods ?? values.metrics[i]?.external;
        assert.equal(t.metadata["threshold"], source?.target.averageValue);
        assert.match(t.metadata["query"] ?? "", /namespace="reviewlens"/);
        assert.match(t.metadata["serverAddress"] ?? "", /^http:\/\/prometheus-operated\.monitoring\.svc:9090$/);
      });
      assert.equal(triggers.some((t) => t.type === "cpu"), values.cpu.enabled);
      assert.deepEqual((scaled.spec.advanced?.horizontalPodAutoscalerConfig ?? assert.fail(`${chart}: no HPA config`)).behavior, values.behavior);
    });
  }
  it("vLLM may scale to zero under KEDA", () => {
    assert.equal(named(objects, "ScaledObject", "rl-vllm")?.spec.minReplicaCount, 0);
    assert.match(JSON.stringify(named(objects, "ScaledObject", "rl-vllm")?.spec.triggers), /vllm:num_requests_waiting\{namespace=\\"reviewlens\\",service=\\"rl-vllm\\"\}/);
  });
  it("vLLM wakes from zero on the gateway's held requests, and stays active while work is queued or in flight anywhere", () => {
    const triggers = (named(objects, "ScaledObject", "rl-vllm") ?? assert.fail("no ScaledObject rl-vllm")).spec.triggers;
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
    Object.fromEntries((firstContainer(podOf(named(objects, "Deployment", "rl-inference-gateway"))).env ?? []).map((e) => [e.name, e.value]));
  it("by default nothing is wakeable and the watchdog only stops", () => {
    const objects = charts.render("reviewlens");
    assert.equal(gatewayEnv(objects)["GATEWAY_WAKEABLE"], "false");
    const args = firstContainer(podOf(named(objects, "Deployment", "rl-watchdog"))).args ?? assert.fail("the watchdog has no args");
    assert.ok(!args.includes("--wake") && !args.includes(""), args.join(" "));
  });
  it("KEDA: vLLM at zero replicas allowed, a wakeable gateway, no watchdog", () => {
    const objects = charts.render("reviewlens", example("values-scale-to-zero-keda.yaml"));
    assert.equal(named(objects, "ScaledObject", "rl-vllm")?.spec.minReplicaCount, 0);
    assert.deepEqual([gatewayEnv(objects)["GATEWAY_WAKEABLE"], gatewayEnv(objects)["GATEWAY_WAKE_COLD_START_MS"]], ["true", "180000"]);
    assert.equal(named(objects, "Deployment", "rl-watchdog"), undefined);
  });
  const watchdogArgs = (objects: K8sObject[]) => firstContainer(podOf(named(objects, "Deployment", "rl-watchdog"))).args ?? assert.fail("the watchdog has no args");
  const scheduledRuns = (objects: K8sObject[]) => (named(objects, "ConfigMap", "rl-scheduled-runs")?.["data"] as Record<string, string> | undefined)?.["WATCHDOG_SCHEDULED_RUNS"];
  it("the watchdog learns the scheduler's CronJob schedules: the umbrella's ConfigMap, read through envFrom, which the watchdog accepts", () => {
    const objects = charts.render("reviewlens", example("values-scale-to-zero-watchdog.yaml"));
    const cronSchedules = byKind(objects, "CronJob").map((c) => c.spec?.schedule ?? assert.fail(`${c.metadata.name} has no schedule`));
    assert.deepEqual(cronSchedules.sort(), ["*/10 * * * *", "5-59/10 * * * *"]);
    const runs = scheduledRuns(objects) ?? assert.fail("no rl-scheduled-runs ConfigMap");
    assert.deepEqual(runs.split(";").sort(), cronSchedules);
    const container = firstContainer(podOf(named(objects, "Deployment", "rl-watchdog")));
    assert.deepEqual(container.envFrom, [{ configMapRef: { name: "rl-scheduled-runs", optional: true } }]);
    const args = watchdogArgs(objects);
    assert.ok(args.includes("--cold-start-seconds=180") && args.includes("--hourly-price=1.5") && !args.some((a) => a.startsWith("--idle-limit")), args.join(" "));
    // The watchdog's own configuration takes the rendered args with the ConfigMap's variable.
    const config = loadConfig(args, { WATCHDOG_SCHEDULED_RUNS: runs });
    assert.deepEqual([config.schedule?.runs.expressions, config.schedule?.coldStartMs], [runs.split(";"), 180_000]);
  });
  it("scheduled runs carry the CronJobs' time zone and leave suspended jobs out; none without the scheduler or a cold start", () => {
    const jobs = [
      { name: "sentiment", schedule: "*/10 * * * *", args: ["--analyses=sentiment"] },
      { name: "summary", schedule: "5-59/10 * * * *", args: ["--analyses=summary"], suspend: true },
      { name: "nightly", schedule: "0 3 * * *", timeZone: "Europe/Paris", args: [] },
    ];
    const zoned = charts.render("reviewlens", [...example("values-scale-to-zero-watchdog.yaml"), "--set-json", `scheduler.jobs=${JSON.stringify(jobs)}`, "--set", "scheduler.cronJob.timeZone=Asia/Seoul"]);
    assert.equal(scheduledRuns(zoned), "CRON_TZ=Asia/Seoul */10 * * * *;CRON_TZ=Europe/Paris 0 3 * * *");
    const noScheduler = charts.render("reviewlens", [...example("values-scale-to-zero-watchdog.yaml"), "--set", "scheduler.enabled=false"]);
    assert.equal(named(noScheduler, "ConfigMap", "rl-scheduled-runs"), undefined);
    // Without a cold start the watchdog keeps its 5 idle checks and gets no schedule (it would refuse one).
    const defaults = charts.render("reviewlens");
    assert.equal(named(defaults, "ConfigMap", "rl-scheduled-runs"), undefined);
    assert.ok(watchdogArgs(defaults).includes("--idle-limit=5"), watchdogArgs(defaults).join(" "));
  });
  it("the watchdog chart alone: scheduledRuns as flags, refused at render without the cold start and its price", () => {
    const alone = charts.render("watchdog", ["--set", "coldStartSeconds=180", "--set", "hourlyPriceDollars=1.5", "--set-json", 'scheduledRuns=["0,30 * * * *","CRON_TZ=UTC 15 * * * *"]']);
    assert.ok(watchdogArgs(alone).includes("--scheduled-runs=0,30 * * * *;CRON_TZ=UTC 15 * * * *"), watchdogArgs(alone).join(" "));
    assert.throws(() => charts.render("watchdog", ["--set-json", 'scheduledRuns=["*/10 * * * *"]']), /scheduledRuns needs coldStartSeconds/);
    assert.throws(() => charts.render("watchdog", ["--set", "coldStartSeconds=180"]), /coldStartSeconds needs hourlyPriceDollars/);
  });
  it("HPA + watchdog: the HPA reads the wake signal too, the watchdog wakes vLLM through the scale subresource it may read and patch", () => {
    const objects = charts.render("reviewlens", example("values-scale-to-zero-watchdog.yaml"));
    assert.equal(gatewayEnv(objects)["GATEWAY_WAKEABLE"], "true");
    assert.match(JSON.stringify(named(objects, "HorizontalPodAutoscaler", "rl-vllm")?.spec?.metrics), /"name":"gateway_cold_pool_queued_requests","selector":\{"matchLabels":\{"service":"rl-inference-gateway"\}\}/);
    const args = firstContainer(podOf(named(objects, "Deployment", "rl-watchdog"))).args ?? assert.fail("the watchdog has no args");
    assert.ok(args.includes("--wake") && args.includes("--actuator=kubernetes") && args.includes("--k8s-deployment=rl-vllm"), args.join(" "));
    const rules = named(objects, "Role", "rl-watchdog")?.rules ?? assert.fail("no rules for the watchdog");
    const scaleRule = rules.find((r) => r.resources?.includes("deployments/scale"));
    assert.deepEqual([scaleRule?.resourceNames, scaleRule?.verbs.includes("get"), scaleRule?.verbs.includes("patch")], [["rl-vllm"], true, true]);
  });
});
