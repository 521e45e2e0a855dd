// Worked examples from the Kubernetes documentation ("Horizontal Pod Autoscaling", algorithm
// details and configurable scaling behavior), checked against the port.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { averageValueReplicas, HorizontalPodAutoscaler, podsMetricReplicas, type MetricProposal } from "./hpa-algorithm.js";

const tol = { up: 0.1, down: 0.1 };
const proposal = (replicas: number): MetricProposal[] => [{ metric: "m", value: 0, target: 1, replicas }];

describe("desired = ceil(current x metric / target)", () => {
  it("doubles at 200m against a 100m target and halves at 50m", () => {
    assert.equal(averageValueReplicas(4, 4 * 200, 100, tol), 8);
    assert.equal(averageValueReplicas(4, 4 * 50, 100, tol), 2);
  });

  it("skips scaling within the 10% tolerance and acts just outside it", () => {
    assert.equal(averageValueReplicas(10, 10 * 109, 100, tol), 10);
    assert.equal(averageValueReplicas(10, 10 * 91, 100, tol), 10);
    assert.equal(averageValueReplicas(10, 10 * 111, 100, tol), 12);
    assert.equal(averageValueReplicas(10, 10 * 89, 100, tol), 9);
  });

  it("uses the average over ready pods for a Pods metric and rounds up", () => {
    const pods = [{ ready: true, value: 3 }, { ready: true, value: 5 }, { ready: true, value: 4 }];
    // average 4 against target 1.5: ratio 2.67, ceil(2.67 x 3) = 8
    assert.equal(podsMetricReplicas(3, pods, 1.5, tol), 8);
  });

  it("counts starting pods as 0 on scale-up, so they damp the proposal", () => {
    const pods = [{ ready: true, value: 4 }, { ready: false }, { ready: false }];
    // ready average 4 vs target 2 (ratio 2); with the two unready at 0: 4/3/2 = 0.67 flips direction: keep 3
    assert.equal(podsMetricReplicas(3, pods, 2, tol), 3);
    const busier = [{ ready: true, value: 12 }, { ready: false }];
    // 12 / 2 pods / 2 = 3: ceil(3 x 2) = 6
    assert.equal(podsMetricReplicas(2, busier, 2, tol), 6);
  });

  it("assumes missing metrics at the target when scaling down, so it scales down less", () => {
    const pods = [{ ready: true, value: 0 }, { ready: true, value: 0 }, { ready: true }, { ready: true }];
    // ratio 0 with 2 missing filled at target 1: 2/4 = 0.5, ceil(0.5 x 4) = 2 (not 0)
    assert.equal(podsMetricReplicas(4, pods, 1, tol), 2);
  });
});

describe("scaling policies", () => {
  const scaleDownExample = () =>
    new HorizontalPodAutoscaler({
      minReplicas: 1,
      maxReplicas: 100,
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 0,
          policies: [
            { type: "Pods", value: 4, periodSeconds: 60 },
            { type: "Percent", value: 10, periodSeconds: 60 },
          ],
        },
      },
    });

  it("80 replicas to 10: removes 8 in the first step, then 8 (72 x 10% = 7.2) in the next period", () => {
    const hpa = scaleDownExample();
    assert.equal(hpa.reconcile(0, 80, proposal(10)).desiredReplicas, 72);
    const within = hpa.reconcile(30, 72, proposal(10));
    assert.equal(within.desiredReplicas, 72, "the period's budget is spent");
    assert.equal(within.reason, "ScaleDownLimit");
    assert.equal(hpa.reconcile(61, 72, proposal(10)).desiredReplicas, 64);
  });

  it("below 40 replicas the Pods policy (4) allows the bigger change", () => {
    assert.equal(scaleDownExample().reconcile(0, 30, proposal(10)).desiredReplicas, 26);
  });

  it("selectPolicy Min picks the smallest change", () => {
    const hpa = new HorizontalPodAutoscaler({
      minReplicas: 1,
      maxReplicas: 100,
      behavior: { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: "Min", policies: [{ type: "Pods", value: 4, periodSeconds: 60 }, { type: "Percent", value: 10, periodSeconds: 60 }] } },
    });
    assert.equal(hpa.reconcile(0, 80, proposal(10)).desiredReplicas, 76);
  });

  it("default scale-up: double or add 4 pods per 15 s, whichever is more", () => {
    const hpa = new HorizontalPodAutoscaler({ minReplicas: 1, maxReplicas: 100 });
    assert.equal(hpa.reconcile(0, 1, proposal(50)).desiredReplicas, 5);
    assert.equal(hpa.reconcile(5, 5, proposal(50)).desiredReplicas, 5, "4 pods were already added in this 15 s period");
    assert.equal(hpa.reconcile(16, 5, proposal(50)).desiredReplicas, 10);
    assert.equal(hpa.reconcile(32, 10, proposal(50)).desiredReplicas, 20);
  });

  it("selectPolicy Disabled never scales that way", () => {
    const hpa = new HorizontalPodAutoscaler({ minReplicas: 1, maxReplicas: 10, behavior: { scaleDown: { selectPolicy: "Disabled" } } });
    assert.equal(hpa.reconcile(0, 5, proposal(1)).desiredReplicas, 5);
    assert.equal(hpa.reconcile(1000, 5, proposal(1)).desiredReplicas, 5);
  });

  it("caps at maxReplicas and floors at minReplicas", () => {
    const hpa = new HorizontalPodAutoscaler({ minReplicas: 2, maxReplicas: 6, behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } });
    const up = hpa.reconcile(0, 4, proposal(50));
    assert.deepEqual([up.desiredReplicas, up.reason], [6, "TooManyReplicas"]);
    const down = hpa.reconcile(100, 6, proposal(0));
    assert.deepEqual([down.desiredReplicas, down.reason], [2, "TooFewReplicas"]);
  });
});

describe("stabilization windows", () => {
  it("scale-down uses the highest recommendation of the last 300 s (the default)", () => {
    const hpa = new HorizontalPodAutoscaler({ minReplicas: 1, maxReplicas: 20 });
    assert.equal(hpa.reconcile(0, 10, proposal(10)).desiredReplicas, 10);
    assert.equal(hpa.reconcile(60, 10, proposal(8)).desiredReplicas, 10);
    const held = hpa.reconcile(120, 10, proposal(3));
    assert.deepEqual([held.desiredReplicas, held.reason], [10, "ScaleDownStabilized"]);
    // the 10 of t=0 leaves the window after 300 s; 8 (t=60) still holds until 360 s
    assert.equal(hpa.reconcile(301, 10, proposal(3)).desiredReplicas, 8);
    assert.equal(hpa.reconcile(361, 8, proposal(3)).desiredReplicas, 3);
  });

  it("a scale-up window uses the lowest recent recommendation, damping a spike", () => {
    const hpa = new HorizontalPodAutoscaler({ minReplicas: 1, maxReplicas: 20, behavior: { scaleUp: { stabilizationWindowSeconds: 60 } } });
    hpa.reconcile(0, 2, proposal(2));
    assert.equal(hpa.reconcile(30, 2, proposal(8)).desiredReplicas, 2);
    assert.equal(hpa.reconcile(61, 2, proposal(8)).desiredReplicas, 6, "2 + 4 pods per 15 s");
  });

  it("no scale-down window follows the metric at once", () => {
    const hpa = new HorizontalPodAutoscaler({ minReplicas: 1, maxReplicas: 20, behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } });
    assert.equal(hpa.reconcile(0, 10, proposal(3)).desiredReplicas, 3);
  });

  it("refuses an impossible range", () => {
    assert.throws(() => new HorizontalPodAutoscaler({ minReplicas: 5, maxReplicas: 2 }), /minReplicas/);
  });
});
