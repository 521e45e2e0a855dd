// The scaler takes its HPA settings from chart values in the shapes an autoscaling/v2 template uses.
import assert from "node:assert/strict";
import { it } from "node:test";
import { hpaConfigFromValues, parseQuantity } from "./helm-hpa-values.js";
import { fitScalerConfig } from "./scaled-scaler-config.js";

it("reads min/max, behavior and native metric targets", () => {
  const config = hpaConfigFromValues(
    `
replicaCount: 1
autoscaling:
  enabled: true
  minReplicas: 1
  maxReplicas: 6
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 0
      policies:
        - { type: Pods, value: 2, periodSeconds: 30 }
    scaleDown:
      stabilizationWindowSeconds: 120
      selectPolicy: Min
      policies:
        - { type: Percent, value: 50, periodSeconds: 60 }
  metrics:
    - type: Pods
      pods:
        metric: { name: "vllm:num_requests_waiting" }
        target: { type: AverageValue, averageValue: "5" }
    - type: External
      external:
        metric: { name: gateway_queue_depth }
        target: { type: AverageValue, averageValue: 2500m }
`,
    "values.yaml",
  );
  assert.equal(config.spec.minReplicas, 1);
  assert.equal(config.spec.maxReplicas, 6);
  assert.deepEqual(config.spec.behavior?.scaleUp?.policies, [{ type: "Pods", value: 2, periodSeconds: 30 }]);
  assert.equal(config.spec.behavior?.scaleDown?.stabilizationWindowSeconds, 120);
  assert.equal(config.spec.behavior?.scaleDown?.selectPolicy, "Min");
  assert.deepEqual(config.targets, { "vllm-waiting": 5, "gateway-queue": 2.5 });
});

it("finds the block under a component key of an umbrella chart, in a chart's own shape", () => {
  const config = hpaConfigFromValues(
    `
vllm:
  autoscaling:
    minReplicas: 2
    maxReplicas: 10
    metrics:
      numRequestsWaiting: { enabled: true, targetAverageValue: 4 }
      gatewayQueueDepth: { enabled: true, targetAverageValue: 20 }
`,
    "umbrella",
  );
  assert.deepEqual([config.spec.minReplicas, config.spec.maxReplicas], [2, 10]);
  assert.deepEqual(config.targets, { "vllm-waiting": 4, "gateway-queue": 20 });
});

it("refuses values without an autoscaling block or with a bad quantity", () => {
  assert.throws(() => hpaConfigFromValues("replicaCount: 1\n", "x.yaml"), /no autoscaling block/);
  assert.throws(() => parseQuantity("ten", "maxReplicas"), /not a quantity/);
});

it("fits a chart to a local run: windows and periods by one factor, targets by capacity", () => {
  const chart = hpaConfigFromValues(
    `
autoscaling:
  minReplicas: 1
  maxReplicas: 20
  behavior:
    scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: Pods, value: 2, periodSeconds: 120 }] }
    scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: Pods, value: 1, periodSeconds: 300 }] }
  metrics:
    - type: External
      external: { metric: { name: gateway_queue_depth }, target: { type: AverageValue, averageValue: "100" } }
`,
    "chart",
  );
  const fitted = fitScalerConfig(chart, { behaviorScale: 0.1, capacityScale: 0.5, maxReplicas: 4 });
  assert.equal(fitted.spec.maxReplicas, 4);
  assert.equal(fitted.spec.behavior?.scaleUp?.stabilizationWindowSeconds, 6);
  assert.deepEqual(fitted.spec.behavior?.scaleDown?.policies, [{ type: "Pods", value: 1, periodSeconds: 30 }]);
  assert.equal(fitted.targets["gateway-queue"], 50);
  assert.equal(chart.spec.maxReplicas, 20, "the chart's own config is left alone");
});
