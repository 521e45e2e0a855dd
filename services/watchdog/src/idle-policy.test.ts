import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IdlePolicy, type Decision } from "./idle-policy.js";
import { adaptiveThreshold, fixedThreshold } from "./idle-threshold.js";
import { parseScheduledRuns, type RunSchedule } from "./scheduled-runs.js";
import { known, unknown, type CheckSignals } from "./signals.js";

const MINUTE = 60_000;

/** One scripted check: GPU utilisation, and the gateway's gauges and request counter. */
interface Step {
  util?: number | "unknown";
  inFlight?: number;
  queued?: number;
  requests?: number;
  gateway?: "unknown";
}

/** Drives a policy with a fake clock that advances one check interval per step. */
function scripted(options: { idleLimit?: number; minRuntimeMs?: number; threshold?: ReturnType<typeof fixedThreshold>; intervalMs?: number; runs?: RunSchedule } = {}) {
  const intervalMs = options.intervalMs ?? MINUTE;
  let now = 0;
  let requests = 0;
  const policy = new IdlePolicy(
    {
      idleLimit: options.idleLimit ?? 5,
      minRuntimeMs: options.minRuntimeMs ?? 0,
      threshold: options.threshold ?? fixedThreshold(5),
      // The design notes' 3-minute cold start.
      schedule: options.runs ? { runs: options.runs, coldStartMs: 3 * MINUTE, checkIntervalMs: intervalMs } : undefined,
    },
    now,
  );
  const step = (s: Step = {}) => {
    now += intervalMs;
    requests += s.requests ?? 0;
    const signals: CheckSignals = {
      gpu: s.util === "unknown" ? unknown("nvidia-smi failed") : known([{ utilizationPercent: s.util ?? 0, memoryUsedMiB: 1000 }]),
      gateway: s.gateway === "unknown" ? unknown("connection refused") : known({ inFlight: s.inFlight ?? 0, queued: s.queued ?? 0, requestsTotal: requests }),
      vllm: [],
    };
    return policy.evaluate(signals, now);
  };
  /** Runs the steps and returns the decisions, acting on each stop as a successful stop. */
  const run = (steps: Step[]): Decision[] =>
    steps.map((s) => {
      const v = step(s);
      if (v.decision === "stop") policy.stopSucceeded();
      return v.decision;
    });
  return { policy, step, run, now: () => now };
}

const idle = (n: number): Step[] => Array.from({ length: n }, () => ({}));

describe("IdlePolicy", () => {
  it("needs a baseline check before it can say no request arrived since the last one", () => {
    const { step } = scripted();
    const first = step();
    assert.equal(first.decision, "unknown");
    assert.match(first.reason, /baseline/);
    assert.equal(step().decision, "idle");
  });

  it("stops after WATCHDOG_IDLE_LIMIT_CHECKS consecutive idle checks, not one earlier", () => {
    const { run } = scripted({ idleLimit: 5 });
    assert.deepEqual(run([{}, ...idle(5)]), ["unknown", "idle", "idle", "idle", "idle", "stop"]);
  });

  it("starts the count over when one request arrives in the middle of an idle run", () => {
    const { run } = scripted({ idleLimit: 3 });
    assert.deepEqual(run([{}, {}, {}, { requests: 1 }, {}, {}, {}]), ["unknown", "idle", "idle", "busy", "idle", "idle", "stop"]);
  });

  it("never stops while a request is in flight, even with the GPU at 0%", () => {
    const { run } = scripted({ idleLimit: 2 });
    const decisions = run([{}, ...Array.from({ length: 10 }, () => ({ util: 0, inFlight: 1 }))]);
    assert.ok(decisions.slice(1).every((d) => d === "busy"), decisions.join(","));
  });

  it("treats queued requests as busy", () => {
    const { step } = scripted({ idleLimit: 1 });
    step();
    const v = step({ queued: 2 });
    assert.equal(v.decision, "busy");
    assert.match(v.reason, /2 queued/);
  });

  it("counts utilisation at or above the threshold as busy, below it as idle", () => {
    const { run } = scripted({ idleLimit: 10, threshold: fixedThreshold(5) });
    assert.deepEqual(run([{}, { util: 5 }, { util: 4.9 }, { util: 70 }]), ["unknown", "busy", "idle", "busy"]);
  });

  it("judges a multi-GPU node by its busiest GPU", () => {
    const policy = new IdlePolicy({ idleLimit: 1, minRuntimeMs: 0, threshold: fixedThreshold(5) }, 0);
    const gpus = (a: number, b: number): CheckSignals => ({
      gpu: known([{ utilizationPercent: a, memoryUsedMiB: 0 }, { utilizationPercent: b, memoryUsedMiB: 0 }]),
      vllm: [],
    });
    assert.equal(policy.evaluate(gpus(0, 40), 1).decision, "busy");
    assert.equal(policy.evaluate(gpus(1, 2), 2).decision, "stop");
  });

  it("waits for the minimum runtime, then stops at the first idle check after it", () => {
    const { step } = scripted({ idleLimit: 2, minRuntimeMs: 10 * MINUTE });
    const decisions: Decision[] = [];
    for (let i = 0; i < 12; i++) decisions.push(step().decision);
    // Checks at minutes 1..12: the limit is reached at minute 3, the runtime at minute 10.
    assert.deepEqual(decisions.slice(0, 9), ["unknown", ...Array<Decision>(8).fill("idle")]);
    assert.equal(decisions[9], "stop");
  });

  it("says why it holds back before the minimum runtime", () => {
    const { step } = scripted({ idleLimit: 1, minRuntimeMs: 10 * MINUTE });
    step();
    const v = step();
    assert.equal(v.decision, "idle");
    assert.match(v.reason, /minimum runtime/);
  });

  it("resets the count on an unknown GPU signal: a failing nvidia-smi is never idle", () => {
    const { run } = scripted({ idleLimit: 3 });
    assert.deepEqual(run([{}, {}, {}, { util: "unknown" }, {}, {}, {}]), ["unknown", "idle", "idle", "unknown", "idle", "idle", "stop"]);
  });

  it("resets the count on an unreadable gateway", () => {
    const { run } = scripted({ idleLimit: 2 });
    assert.deepEqual(run([{}, {}, { gateway: "unknown" }, {}, {}]), ["unknown", "idle", "unknown", "idle", "stop"]);
  });

  it("counts requests that arrived while the gateway was unreadable once it answers again", () => {
    const { run } = scripted({ idleLimit: 2 });
    assert.deepEqual(run([{}, {}, { gateway: "unknown", requests: 3 }, {}, {}, {}]), ["unknown", "idle", "unknown", "busy", "idle", "stop"]);
  });

  it("treats a counter that went down (restarted gateway) as new requests", () => {
    const policy = new IdlePolicy({ idleLimit: 1, minRuntimeMs: 0, threshold: fixedThreshold(5) }, 0);
    const gw = (requestsTotal: number): CheckSignals => ({ gateway: known({ inFlight: 0, queued: 0, requestsTotal }), vllm: [] });
    policy.evaluate(gw(50), 1);
    assert.equal(policy.evaluate(gw(2), 2).decision, "busy");
    assert.equal(policy.evaluate(gw(2), 3).decision, "stop");
  });

  it("retries at the next idle check when a stop failed", () => {
    const { policy, step } = scripted({ idleLimit: 2 });
    step();
    step();
    assert.equal(step().decision, "stop");
    policy.stopFailed();
    assert.equal(step().decision, "stop");
    policy.stopSucceeded();
    assert.equal(step().decision, "stopped");
  });

  it("stops once, then waits for activity; after activity the runtime and the count start over", () => {
    const { run } = scripted({ idleLimit: 2, minRuntimeMs: 3 * MINUTE });
    assert.deepEqual(run([{}, {}, {}]), ["unknown", "idle", "stop"]);
    assert.deepEqual(run([{}, {}, {}, { util: "unknown" }]), ["stopped", "stopped", "stopped", "stopped"]);
    // Back: two idle checks are the limit but the three minutes of runtime restart at "resumed".
    assert.deepEqual(run([{ requests: 1 }, {}, {}, {}]), ["resumed", "idle", "idle", "stop"]);
  });

  it("watches a server again that came back without traffic (restarted by hand): signals dark, then answering", () => {
    const { run } = scripted({ idleLimit: 2 });
    assert.deepEqual(run([{}, {}, {}]), ["unknown", "idle", "stop"]);
    // Still answering after the stop: nothing changes (no repeated stops).
    assert.deepEqual(run([{}, {}]), ["stopped", "stopped"]);
    // Down, then up again with no request: watched from scratch, and stopped again when idle.
    assert.deepEqual(run([{ util: "unknown", gateway: "unknown" }, { util: "unknown" }, {}, {}, {}]), ["stopped", "stopped", "resumed", "idle", "stop"]);
  });

  it("watches vLLM replicas: running, waiting and finished requests are activity", () => {
    const policy = new IdlePolicy({ idleLimit: 1, minRuntimeMs: 0, threshold: fixedThreshold(5) }, 0);
    const replicas = (a: { inFlight: number; queued: number; requestsTotal: number }, b = { inFlight: 0, queued: 0, requestsTotal: 0 }): CheckSignals => ({
      vllm: [
        { source: "a", reading: known(a) },
        { source: "b", reading: known(b) },
      ],
    });
    assert.equal(policy.evaluate(replicas({ inFlight: 0, queued: 0, requestsTotal: 4 }), 1).decision, "unknown");
    assert.equal(policy.evaluate(replicas({ inFlight: 0, queued: 1, requestsTotal: 4 }), 2).decision, "busy");
    assert.equal(policy.evaluate(replicas({ inFlight: 0, queued: 0, requestsTotal: 5 }), 3).decision, "busy");
    const v = policy.evaluate(replicas({ inFlight: 0, queued: 0, requestsTotal: 5 }, { inFlight: 2, queued: 0, requestsTotal: 0 }), 4);
    assert.equal(v.decision, "busy");
    assert.match(v.reason, /vllm b: 2 in flight/);
    assert.equal(policy.evaluate(replicas({ inFlight: 0, queued: 0, requestsTotal: 5 }), 5).decision, "stop");
  });

  it("reports the signals it judged", () => {
    const { step } = scripted({ idleLimit: 5 });
    step({ requests: 2 });
    const v = step({ util: 3, inFlight: 1, queued: 4, requests: 7 });
    assert.deepEqual(v.activity, { gpuUtilizationPercent: 3, inFlight: 1, queued: 4, requestsSinceLastCheck: 7 });
    assert.equal(v.thresholdPercent, 5);
  });

  describe("with the adaptive threshold", () => {
    it("after a busy period, a GPU at 7% with no requests counts as idle (threshold 10% of 80% = 8%)", () => {
      const threshold = adaptiveThreshold({ initialPercent: 5, window: 10 });
      const { step } = scripted({ idleLimit: 100, threshold });
      for (let i = 0; i < 10; i++) step({ util: 80, inFlight: 1 });
      const v = step({ util: 7 });
      assert.equal(v.thresholdPercent, 8);
      assert.equal(v.decision, "idle");
    });

    it("keeps the 3% floor when recent use was low, and the initial threshold until the window is full", () => {
      const threshold = adaptiveThreshold({ initialPercent: 5, window: 10 });
      const { step } = scripted({ idleLimit: 100, threshold });
      step({ util: 1 });
      const early = step({ util: 4 });
      assert.equal(early.thresholdPercent, 5);
      assert.equal(early.decision, "idle");
      for (let i = 0; i < 10; i++) step({ util: 1 });
      const late = step({ util: 4 });
      assert.equal(late.thresholdPercent, 3);
      assert.equal(late.decision, "busy");
    });

    it("still never stops while a request is in flight", () => {
      const threshold = adaptiveThreshold({ initialPercent: 5, window: 3 });
      const { run } = scripted({ idleLimit: 1, threshold });
      const decisions = run([{ util: 90 }, { util: 90 }, { util: 90 }, { util: 2, inFlight: 1 }, { util: 2 }]);
      assert.deepEqual(decisions, ["busy", "busy", "busy", "busy", "stop"]);
    });
  });

  describe("with scheduled runs (WATCHDOG_SCHEDULED_RUNS), a 3-minute cold start and checks every minute", () => {
    // The clock starts at midnight UTC; a run every 10 minutes, as the scheduler's CronJobs.
    const everyTenMinutes = () => parseScheduledRuns(["CRON_TZ=UTC */10 * * * *"]);
    const busy = (n: number): Step[] => Array.from({ length: n }, () => ({ requests: 1 }));

    it("stops at the first idle check when the next run is further away than a cold start, where break-even alone waits 3 checks", () => {
      assert.deepEqual(scripted({ idleLimit: 3 }).run([{}, ...idle(3)]), ["unknown", "idle", "idle", "stop"]);
      const { step } = scripted({ idleLimit: 3, runs: everyTenMinutes() });
      step();
      // Minute 2: the next run is at minute 10, 8 minutes away.
      const v = step();
      assert.equal(v.decision, "stop");
      assert.equal(v.idleCount, 1);
      assert.match(v.reason, /idle for 1 consecutive check; the next scheduled run is in 480 s \(1970-01-01T00:10:00\.000Z\), more than the 180 s cold start/);
      assert.equal(v.nextScheduledRunAt, 10 * MINUTE);
    });

    it("stays idle through a gap shorter than a cold start before a run, however long it has been idle, then stops after the run's work", () => {
      const { policy, step } = scripted({ idleLimit: 1, runs: everyTenMinutes() });
      // Minutes 1-7: a baseline, then work.
      const decisions = [step(), ...busy(6).map((s) => step(s))].map((v) => v.decision);
      assert.deepEqual(decisions, ["unknown", ...Array<Decision>(6).fill("busy")]);
      // Minutes 8 and 9: idle past the limit of 1, but the run at minute 10 is nearer than a cold start.
      const near = [step(), step()];
      assert.deepEqual(near.map((v) => v.decision), ["idle", "idle"]);
      assert.match(near[0]!.reason, /next scheduled run is in 120 s .*within the 180 s cold start: staying until it costs less than the restart it would need/);
      // Minute 10: the run begins; its work has not arrived yet. Minute 11: it has.
      const begun = step();
      assert.equal(begun.decision, "idle");
      assert.match(begun.reason, /began 0 s ago, less than one check interval/);
      assert.equal(step({ requests: 5 }).decision, "busy");
      // Minute 12: idle again, the next run (minute 20) 8 minutes away: stop.
      const after = step();
      assert.equal(after.decision, "stop");
      assert.equal(after.nextScheduledRunAt, 20 * MINUTE);
      policy.stopSucceeded();
      assert.equal(step().decision, "stopped");
    });

    it("a run that brings no work costs at most the wait before it: one check after it began, the server stops", () => {
      const { run } = scripted({ idleLimit: 1, runs: everyTenMinutes() });
      // Minute 1 baseline, 2-7 busy, 8-10 idle before and at the run, 11: idle a check after it: stop.
      assert.deepEqual(run([{}, ...busy(6), ...idle(3), {}]), ["unknown", ...Array<Decision>(6).fill("busy"), "idle", "idle", "idle", "stop"]);
    });

    it("stops at the first idle check when no run is to come", () => {
      const none: RunSchedule = { expressions: ["0 0 0 1 1 *"], around: () => ({}) };
      const { run } = scripted({ idleLimit: 5, runs: none });
      assert.deepEqual(run([{}, {}]), ["unknown", "stop"]);
    });

    it("still waits for the minimum runtime, and still stays when the next run is near once it has passed", () => {
      const { step } = scripted({ idleLimit: 1, minRuntimeMs: 15 * MINUTE, runs: everyTenMinutes() });
      const decisions = Array.from({ length: 15 }, () => step());
      // Minutes 2-6 and 11-14: a stop would pay but the 15 minutes have not passed; 7-10: the run at 10 is near.
      assert.deepEqual(decisions.map((v) => v.decision), ["unknown", ...Array<Decision>(13).fill("idle"), "stop"]);
      assert.match(decisions[1]!.reason, /a stop would pay, but the minimum runtime has not passed \(120 s of 900 s\)/);
      assert.match(decisions[7]!.reason, /within the 180 s cold start/);
    });

    it("never stops on an unknown signal, however far the next run", () => {
      const { run } = scripted({ idleLimit: 1, runs: everyTenMinutes() });
      // Minute 2 unknown (nvidia-smi failed), minute 3 idle with the next run 7 minutes away.
      assert.deepEqual(run([{}, { util: "unknown" }, {}]), ["unknown", "unknown", "stop"]);
      const busyCheck = scripted({ runs: everyTenMinutes() }).step({ inFlight: 1 });
      assert.equal(busyCheck.nextScheduledRunAt, 10 * MINUTE, "every verdict names the next run, for the log and /metrics");
    });
  });
});
