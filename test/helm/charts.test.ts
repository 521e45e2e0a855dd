// The charts pass `helm lint --strict`, render valid Kubernetes objects in every configuration the
// docs name, and refuse bad values with a message, with the official Helm 4 and Helm 3 binaries.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chartValuesSchemas, schemaText } from "./chart-values-schema.js";
import { byKind, componentCharts, everythingEnabled, helmVersions, openChartWorkspace, repoRoot, type ChartWorkspace } from "./helm-fixture.js";
import { validateObject } from "./kubernetes-schemas.js";

for (const version of helmVersions) {
  describe(version.name, () => {
    let charts: ChartWorkspace;
    before(() => {
      charts = openChartWorkspace(version.bin);
    });
    after(() => charts.close());

    const allCharts = ["reviewlens-lib", ...componentCharts, "reviewlens"];

    describe("helm lint --strict", () => {
      for (const chart of allCharts) {
        it(chart, () => {
          const r = charts.helm(["lint", "--strict", join(charts.dir, chart)]);
          assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        });
      }
    });

    describe("rendered objects are valid Kubernetes objects", () => {
      const configurations: Record<string, string[]> = {
        "umbrella with defaults": [],
        "umbrella with everything enabled": everythingEnabled,
        "umbrella with autoscaling.engine=keda": ["--set", "global.autoscaling.engine=keda", "--set", "vllm.autoscaling.minReplicas=0"],
        "umbrella without GPUs (k8s/examples/values-no-gpu.yaml)": ["-f", join(repoRoot, "k8s", "examples", "values-no-gpu.yaml")],
        "umbrella scaling vLLM to zero with KEDA (k8s/examples/values-scale-to-zero-keda.yaml)": ["-f", join(repoRoot, "k8s", "examples", "values-scale-to-zero-keda.yaml")],
        "umbrella scaling vLLM to zero with the watchdog (k8s/examples/values-scale-to-zero-watchdog.yaml)": ["-f", join(repoRoot, "k8s", "examples", "values-scale-to-zero-watchdog.yaml")],
      };
      for (const [name, args] of Object.entries(configurations)) {
        it(name, () => {
          const objects = charts.render("reviewlens", args);
          assert.ok(objects.length > 30, `only ${objects.length} objects`);
          for (const o of objects) validateObject(o);
          const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
          assert.equal(new Set(names).size, names.length, "two objects share a kind and name");
        });
      }
      it("everything enabled renders ServiceMonitors, both LLM backends, the facade's Ingress, OTLP and the API key from a Secret", () => {
        const objects = charts.render("reviewlens", everythingEnabled);
        assert.equal(byKind(objects, "ServiceMonitor").length, 7);
        const ingress = byKind(objects, "Ingress")[0] as { spec: { rules: { host: string; http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] } }[] } } | undefined;
        assert.deepEqual(ingress?.spec.rules[0]?.http.paths[0]?.backend.service, { name: "rl-inference-gateway", port: { name: "http" } });
        assert.equal(ingress?.spec.rules[0]?.host, "reviewlens.example.com");
        const deployments = byKind(objects, "Deployment").map((d) => d.metadata.name).sort();
        assert.deepEqual(deployments, ["rl-inference-gateway", "rl-sentiment", "rl-summarization", "rl-vector-search", "rl-vllm", "rl-vllm-sim", "rl-watchdog"]);
        const gateway = JSON.stringify(objects.find((o) => o.kind === "Deployment" && o.metadata.name === "rl-inference-gateway"));
        assert.match(gateway, /"name":"GATEWAY_API_KEY","valueFrom":\{"secretKeyRef":\{"name":"reviewlens-gateway","key":"api-key"\}\}/);
        assert.match(gateway, /"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http:\/\/otel-collector\.observability\.svc:4318"/);
      });
      it("the gateway's gRPC API key is off by default, and from a given Secret the gateway requires it and its callers send it", () => {
        const keyRefs = (objects: ReturnType<typeof charts.render>) =>
          Object.fromEntries(
            byKind(objects, "Deployment").map((d) => {
              const containers = (d.spec as { template: { spec: { containers: Array<{ env?: Array<{ name: string; valueFrom?: unknown }> }> } } }).template.spec.containers;
              return [d.metadata.name, containers[0]!.env?.find((e) => e.name === "GATEWAY_GRPC_API_KEY")?.valueFrom];
            }),
          );
        assert.ok(Object.values(keyRefs(charts.render("reviewlens"))).every((ref) => ref === undefined), "off by default");
        const ref = { secretKeyRef: { name: "reviewlens-grpc", key: "api-key" } };
        const on = keyRefs(charts.render("reviewlens", ["--set", "vllm-sim.enabled=true", "--set", "global.gatewayApiKey.secretName=reviewlens-grpc"]));
        assert.deepEqual(on, {
          "rl-inference-gateway": ref,
          "rl-sentiment": ref,
          "rl-summarization": ref,
          "rl-vector-search": ref,
          "rl-vllm": undefined,
          "rl-vllm-sim": undefined,
          "rl-watchdog": undefined,
        });
        const alone = keyRefs(charts.render("inference-gateway", ["--set", "gatewayApiKey.secretName=gw-grpc", "--set", "gatewayApiKey.key=token"]));
        assert.deepEqual(alone, { "rl-inference-gateway": { secretKeyRef: { name: "gw-grpc", key: "token" } } });
      });
      it("without the Prometheus Operator's API no ServiceMonitor is rendered", () => {
        assert.equal(byKind(charts.render("reviewlens"), "ServiceMonitor").length, 0);
      });
      for (const chart of componentCharts) {
        it(`${chart} installs alone`, () => {
          const objects = charts.render(chart, ["--api-versions", "monitoring.coreos.com/v1/ServiceMonitor"]);
          assert.ok(objects.length >= 2);
          for (const o of objects) validateObject(o);
          for (const o of objects) assert.equal(o.metadata.labels?.["app.kubernetes.io/name"], chart, `${o.kind}/${o.metadata.name}`);
        });
      }
    });

    describe("vLLM's engine-side admission flags", () => {
      const vllmArgs = (args: string[]) => {
        const deployment = charts.render("vllm", args).find((o) => o.kind === "Deployment")!;
        return (deployment.spec as { template: { spec: { containers: Array<{ args: string[] }> } } }).template.spec.containers[0]!.args;
      };
      it("are left out by default (no empty argument) and passed when set", () => {
        const defaults = vllmArgs([]);
        assert.ok(!defaults.some((a) => a.startsWith("--max-num-queued") || a === ""), defaults.join(" "));
        const set = vllmArgs(["--set", "model.maxNumQueuedReqs=2048", "--set", "model.maxNumQueuedTokens=1048576"]);
        assert.ok(set.includes("--max-num-queued-reqs=2048"), set.join(" "));
        assert.ok(set.includes("--max-num-queued-tokens=1048576"), set.join(" "));
      });
      it("refuse a negative cap", () => {
        const r = charts.helm(["template", "rl", join(charts.dir, "vllm"), "--set", "model.maxNumQueuedReqs=-1"]);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /maxNumQueuedReqs/);
      });
    });

    describe("bad values are refused with a message", () => {
      const refused = (chart: string, args: string[], message: RegExp) => {
        const r = charts.helm(["template", "rl", join(charts.dir, chart), ...args]);
        assert.notEqual(r.status, 0, `accepted: ${args.join(" ")}`);
        assert.match(r.stderr, message);
      };
      it("maxReplicas: ten (umbrella and a chart alone)", () => {
        refused("reviewlens", ["--set", "inference-gateway.autoscaling.maxReplicas=ten"], /inference-gateway:[\s\S]*autoscaling.maxReplicas[\s\S]*(want integer|Expected: integer)/);
        refused("sentiment", ["--set", "autoscaling.maxReplicas=ten"], /autoscaling.maxReplicas[\s\S]*(want integer|Expected: integer)/);
      });
      it("a misspelt key, an unknown engine and an unknown component", () => {
        refused("vector-search", ["--set", "autoscalling.enabled=false"], /additional propert(ies|y) '?autoscalling'? (is )?not allowed/i);
        refused("reviewlens", ["--set", "global.autoscaling.engine=kedaa"], /engine/);
        refused("reviewlens", ["--set", "inference-gatway.enabled=true"], /additional propert(ies|y) '?inference-gatway'? (is )?not allowed/i);
      });
      it("an API key inline in env (secrets come from Secrets)", () => {
        refused("inference-gateway", ["--set", "env.GATEWAY_API_KEY=hunter2"], /GATEWAY_API_KEY/);
      });
      it("a grace period that does not outlast the drain", () => {
        refused("sentiment", ["--set", "terminationGracePeriodSeconds=10"], /terminationGracePeriodSeconds \(10\) must exceed drainTimeoutMs \(10000 ms\)/);
      });
      it("scale to zero without KEDA, and min above max", () => {
        refused("vllm", ["--set", "autoscaling.minReplicas=0"], /scale to zero\) needs autoscaling.engine=keda/);
        refused("summarization", ["--set", "autoscaling.minReplicas=5", "--set", "autoscaling.maxReplicas=2"], /minReplicas \(5\) exceeds autoscaling.maxReplicas \(2\)/);
      });
    });
  });
}

it("every committed values.schema.json is the one chart-values-schema.ts generates (npm run helm:schemas)", () => {
  for (const [chart, schema] of Object.entries(chartValuesSchemas())) {
    const committed = readFileSync(join(repoRoot, "helm", chart, "values.schema.json"), "utf8");
    assert.equal(committed, schemaText(schema), `helm/${chart}/values.schema.json is stale: run npm run helm:schemas`);
  }
});
