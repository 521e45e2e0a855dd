// The pool's lifecycle and the scaler's loop with in-memory fakes of the launcher and the gateway.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { autoscaleStep, type DecisionRecord } from "./autoscale-loop.js";
import { HorizontalPodAutoscaler } from "./hpa-algorithm.js";
import { launchAll } from "./launch-all.js";
import { ReplicaPool } from "./replica-pool.js";
import type { SignalSnapshot } from "./scaling-signals.js";

function fakes() {
  let clock = 0;
  let port = 9000;
  const calls: string[] = [];
  const stopped: string[] = [];
  const pool = new ReplicaPool({
    launch: async () => {
      const url = `http://127.0.0.1:${port++}`;
      return { url, stop: async () => void stopped.push(url) };
    },
    pool: {
      add: async (url) => void calls.push(`add ${url}`),
      drain: async (url) => void calls.push(`drain ${url}`),
      list: async () => [],
    },
    now: () => clock,
    sleep: async () => {},
    coldStartS: 30,
  });
  return { pool, calls, stopped, tick: (s: number) => (clock += s) };
}

describe("replica pool", () => {
  it("adds new replicas to the gateway once started, drains before stopping, newest first", async () => {
    const { pool, calls, stopped, tick } = fakes();
    await pool.addWarm(1);
    pool.scaleTo(3);
    assert.equal(pool.current, 3, "starting replicas count at once");
    await pool.settle();
    assert.deepEqual(calls, ["add http://127.0.0.1:9000", "add http://127.0.0.1:9001", "add http://127.0.0.1:9002"]);
    tick(100);
    pool.scaleTo(2);
    await pool.settle();
    assert.deepEqual(calls.slice(3), ["drain http://127.0.0.1:9002"]);
    assert.deepEqual(stopped, ["http://127.0.0.1:9002"]);
    assert.equal(pool.current, 2);
    // 3 replicas for 100 s, then 2 for 50 s more
    tick(50);
    assert.equal(pool.replicaSeconds(150), 100 + 150 + 150);
    await pool.stopAll();
    assert.equal(stopped.length, 3);
  });
});

describe("autoscale step", () => {
  it("scales out on a deep gateway queue and back in when it empties, logging each decision", async () => {
    const { pool, tick } = fakes();
    await pool.addWarm(1);
    const hpa = new HorizontalPodAutoscaler({ minReplicas: 1, maxReplicas: 4, behavior: { scaleDown: { stabilizationWindowSeconds: 30 } } });
    const decisions: DecisionRecord[] = [];
    let snapshot: SignalSnapshot = { gatewayQueueDepth: 30, replicas: [{ ready: true, value: 0 }] };
    const step = () => autoscaleStep({ hpa, pool, signal: "gateway-queue", target: 10, read: async () => snapshot, now: () => tick(0), onDecision: (d) => decisions.push(d) });
    await step();
    await pool.settle();
    assert.equal(pool.current, 3);
    assert.deepEqual([decisions[0]!.current_replicas, decisions[0]!.desired_replicas, decisions[0]!.reason], [1, 3, "DesiredWithinRange"]);
    snapshot = { gatewayQueueDepth: 0, replicas: [0, 0, 0].map((v) => ({ ready: true, value: v })) };
    tick(15);
    await step();
    assert.equal(decisions[1]!.reason, "ScaleDownStabilized", "held by the 30 s window");
    tick(31);
    await step();
    await pool.settle();
    assert.equal(pool.current, 1);
    assert.deepEqual(decisions.map((d) => d.desired_replicas), [3, 3, 1]);
  });

  it("vLLM's waiting count stays low behind a gateway, so it proposes no scale-out", async () => {
    const { pool } = fakes();
    await pool.addWarm(2);
    const hpa = new HorizontalPodAutoscaler({ minReplicas: 1, maxReplicas: 8 });
    const decisions: DecisionRecord[] = [];
    const snapshot: SignalSnapshot = { gatewayQueueDepth: 200, replicas: [{ ready: true, value: 0 }, { ready: true, value: 1 }] };
    await autoscaleStep({ hpa, pool, signal: "vllm-waiting", target: 5, read: async () => snapshot, now: () => 0, onDecision: (d) => decisions.push(d) });
    assert.equal(decisions[0]!.metric_desired_replicas, 1, "it even proposes scaling in");
    assert.deepEqual([decisions[0]!.desired_replicas, decisions[0]!.reason], [2, "ScaleDownStabilized"]);
    assert.equal(decisions[0]!.metric_value, 0.5);
  });
});

describe("launchAll", () => {
  it("stops the replicas that started when another launch fails", async () => {
    const stopped: string[] = [];
    let n = 0;
    const launch = async () => {
      const i = n++;
      if (i === 1) throw new Error("no port");
      return { url: `u${i}`, stop: async () => void stopped.push(`u${i}`) };
    };
    await assert.rejects(launchAll(3, launch), /no port/);
    assert.deepEqual(stopped.sort(), ["u0", "u2"]);
  });
});
