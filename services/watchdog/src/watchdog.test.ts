import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Actuator } from "./actuators/actuator.js";
import type { Notifier, StopNotice, WakeNotice } from "./adapters/webhook-notifier.js";
import { IdlePolicy } from "./idle-policy.js";
import { fixedThreshold } from "./idle-threshold.js";
import { known, unknown, type GpuSample, type Reading, type RequestLoad, type Signal } from "./signals.js";
import { WakePolicy } from "./wake-policy.js";
import { Watchdog, type Clock, type EventLog } from "./watchdog.js";
import type { WatchdogMetrics } from "./watchdog-metrics.js";

const MINUTE = 60_000;

/** Everything the watchdog touches, as in-memory fakes that record what happened, in order. */
function harness(
  options: { dryRun?: boolean; idleLimit?: number; stopFails?: () => boolean; startFails?: () => boolean; notifyFails?: boolean; hourlyPrice?: number; wakeTimeoutMs?: number } = {},
) {
  let now = 0;
  const events: string[] = [];
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const load = { inFlight: 0, queued: 0, requestsTotal: 0, heldForWake: 0 };
  /** A second gateway replica, idle until a test changes it. */
  let second: Reading<RequestLoad> = known({ inFlight: 0, queued: 0, requestsTotal: 0 });
  let gpu: Reading<readonly GpuSample[]> = known([{ utilizationPercent: 0, memoryUsedMiB: 900 }]);
  const counts = { attempted: 0, failed: 0, dryRun: 0, saved: 0, checks: 0, wakes: 0, wakesFailed: 0, dryRunWakes: 0 };
  const clock: Clock = { now: () => now, sleep: async () => {} };
  const record = (level: string) => (fields: object, message: string) => lines.push({ level, fields: fields as Record<string, unknown>, message });
  const logger: EventLog = { info: record("info"), warn: record("warn"), error: record("error") };
  const actuator: Actuator = {
    target: "test pod",
    async stop() {
      events.push("stop");
      if (options.stopFails?.()) throw new Error("HTTP 500");
    },
    async start() {
      events.push("start");
      if (options.startFails?.()) throw new Error("HTTP 400 pod is not stopped");
    },
  };
  const notices: StopNotice[] = [];
  const wakeNotices: WakeNotice[] = [];
  const notifier: Notifier = {
    async notifyStop(notice) {
      events.push("notify");
      notices.push(notice);
      if (options.notifyFails) throw new Error("webhook answered 502");
    },
    async notifyWake(notice) {
      events.push("notify-wake");
      wakeNotices.push(notice);
      if (options.notifyFails) throw new Error("webhook answered 502");
    },
  };
  const metrics: WatchdogMetrics = {
    recordCheck: () => void counts.checks++,
    stopAttempted: () => void counts.attempted++,
    stopFailed: () => void counts.failed++,
    dryRunStop: () => void counts.dryRun++,
    wakeAttempted: () => void counts.wakes++,
    wakeFailed: () => void counts.wakesFailed++,
    dryRunWake: () => void counts.dryRunWakes++,
    saved: (d) => void (counts.saved += d),
  };
  const gpuSignal: Signal<readonly GpuSample[]> = { source: "gpu", read: async () => gpu };
  const gatewaySignal: Signal<RequestLoad> = { source: "gateway", read: async () => known({ ...load }) };
  const watchdog = new Watchdog({
    gpu: gpuSignal,
    // One gateway name standing for two replicas.
    gateways: [{ source: "gateway", read: async () => [{ source: "gateway", reading: await gatewaySignal.read(new AbortController().signal) }, { source: "gateway-2", reading: second }] }],
    vllm: [],
    policy: new IdlePolicy({ idleLimit: options.idleLimit ?? 2, minRuntimeMs: 0, threshold: fixedThreshold(5) }, 0),
    wake: new WakePolicy({ wakeTimeoutMs: options.wakeTimeoutMs ?? 5 * MINUTE }),
    actuator,
    notifier,
    metrics,
    logger,
    clock,
    dryRun: options.dryRun ?? false,
    hourlyPriceDollars: options.hourlyPrice,
  });
  const check = async () => {
    now += MINUTE;
    return (await watchdog.check(new AbortController().signal)).decision;
  };
  return {
    check,
    events,
    lines,
    notices,
    wakeNotices,
    counts,
    load,
    setSecondGateway: (r: Reading<RequestLoad>) => void (second = r),
    setGpu: (r: Reading<readonly GpuSample[]>) => void (gpu = r),
  };
}

describe("Watchdog check", () => {
  it("logs every decision as one line with the signals read, the count, the threshold and the reason", async () => {
    const h = harness();
    h.load.requestsTotal = 7;
    await h.check();
    const decision = h.lines.find((l) => l.fields["decision"] === "unknown");
    assert.ok(decision, "a decision line");
    assert.deepEqual(decision.fields["signals"], { gpu: [{ utilizationPercent: 0, memoryUsedMiB: 900 }], gateway: { inFlight: 0, queued: 0, requestsTotal: 7, heldForWake: 0 }, vllm: [] });
    assert.equal(decision.fields["idleCount"], 0);
    assert.equal(decision.fields["thresholdPercent"], 5);
    assert.match(String(decision.fields["reason"]), /baseline/);
    h.setGpu(unknown("nvidia-smi failed (exit 9)"));
    await h.check();
    assert.deepEqual((h.lines.at(-1)?.fields["signals"] as { gpu: unknown }).gpu, { unknown: "nvidia-smi failed (exit 9)" });
  });

  it("notifies before it stops, and stops exactly once", async () => {
    const h = harness();
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push(await h.check());
    assert.deepEqual(decisions, ["unknown", "idle", "stop", "stopped", "stopped", "stopped"]);
    assert.deepEqual(h.events, ["notify", "stop"]);
    assert.equal(h.notices[0]?.target, "test pod");
    assert.equal(h.counts.attempted, 1);
  });

  it("keeps watching after a failed stop and retries at the next check", async () => {
    let failures = 1;
    const h = harness({ stopFails: () => failures-- > 0 });
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await h.check());
    assert.deepEqual(decisions, ["unknown", "idle", "stop", "stop", "stopped"]);
    assert.deepEqual(h.events, ["notify", "stop", "notify", "stop"]);
    assert.deepEqual([h.counts.attempted, h.counts.failed], [2, 1]);
    assert.ok(h.lines.some((l) => l.level === "error" && /failed; retrying/.test(l.message)));
  });

  it("stops anyway when the webhook fails", async () => {
    const h = harness({ notifyFails: true });
    for (let i = 0; i < 3; i++) await h.check();
    assert.deepEqual(h.events, ["notify", "stop"]);
    assert.ok(h.lines.some((l) => l.level === "warn" && /notification failed/.test(l.message)));
  });

  it("in dry-run decides and logs but makes no call", async () => {
    const h = harness({ dryRun: true });
    for (let i = 0; i < 5; i++) await h.check();
    assert.deepEqual(h.events, ["notify"]);
    assert.equal(h.notices[0]?.dryRun, true);
    assert.deepEqual([h.counts.attempted, h.counts.dryRun], [0, 1]);
    assert.ok(h.lines.some((l) => /dry run: would stop test pod/.test(l.message)));
  });

  it("prices the time the server stays stopped at the hourly price", async () => {
    const h = harness({ hourlyPrice: 2.4 });
    for (let i = 0; i < 3; i++) await h.check(); // stop at minute 3
    for (let i = 0; i < 10; i++) await h.check(); // 10 more minutes stopped
    assert.ok(Math.abs(h.counts.saved - 0.4) < 1e-9, String(h.counts.saved));
    h.load.inFlight = 1;
    assert.equal(await h.check(), "resumed");
    assert.ok(Math.abs(h.counts.saved - 0.4) < 1e-9);
  });

  it("wakes the stopped pool once when the gateway holds requests, notifying first, and waits for that wake instead of starting it again", async () => {
    const h = harness();
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await h.check());
    assert.deepEqual(decisions, ["unknown", "idle", "stop", "stopped"]);
    // A request arrives; the gateway holds it (queued, and held for the wake).
    Object.assign(h.load, { queued: 1, heldForWake: 1, requestsTotal: 1 });
    for (let i = 0; i < 3; i++) decisions.push(await h.check());
    assert.deepEqual(decisions.slice(4), ["wake", "waking", "waking"]);
    assert.deepEqual(h.events, ["notify", "stop", "notify-wake", "start"]);
    assert.deepEqual(h.wakeNotices.map((n) => [n.target, n.heldForWake, n.dryRun]), [["test pod", 1, false]]);
    assert.equal(h.counts.wakes, 1);
    const wakeLine = h.lines.find((l) => l.fields["decision"] === "wake");
    assert.match(String(wakeLine?.fields["reason"]), /1 request held for the pool by the gateway/);
    assert.equal(wakeLine?.fields["heldForWake"], 1);
    // The pool is back: the gateway sent the request on; the idle policy judges again from a fresh start.
    Object.assign(h.load, { queued: 0, heldForWake: 0, requestsTotal: 2 });
    assert.equal(await h.check(), "busy", "the finished request is activity");
  });

  it("never wakes a pool it just stopped without a request", async () => {
    const h = harness();
    const decisions = [];
    for (let i = 0; i < 8; i++) decisions.push(await h.check());
    assert.deepEqual(decisions, ["unknown", "idle", "stop", "stopped", "stopped", "stopped", "stopped", "stopped"]);
    assert.deepEqual(h.events, ["notify", "stop"]);
  });

  it("starts it again when the wake timeout passes with requests still held, and retries a failed start at the next check", async () => {
    let failures = 1;
    const h = harness({ wakeTimeoutMs: 2 * MINUTE, startFails: () => failures-- > 0 });
    Object.assign(h.load, { queued: 2, heldForWake: 2 });
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await h.check());
    assert.deepEqual(decisions, ["wake", "wake", "waking", "wake", "waking"]);
    assert.deepEqual([h.counts.wakes, h.counts.wakesFailed], [3, 1]);
    assert.ok(h.lines.some((l) => l.level === "error" && /start of test pod failed; retrying at the next check/.test(l.message) && /pod is not stopped/.test(String(l.fields["err"]))));
    assert.match(String(h.lines.filter((l) => l.fields["decision"] === "wake").at(-1)?.fields["reason"]), /did not bring it back within the 120 s wake timeout/);
  });

  it("in dry-run decides a wake, notifies and logs it, and calls nothing", async () => {
    const h = harness({ dryRun: true });
    Object.assign(h.load, { queued: 1, heldForWake: 1 });
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await h.check());
    assert.deepEqual(decisions, ["wake", "waking", "waking"]);
    assert.deepEqual(h.events, ["notify-wake"]);
    assert.deepEqual([h.counts.wakes, h.counts.dryRunWakes, h.wakeNotices[0]?.dryRun], [0, 1, true]);
    assert.ok(h.lines.some((l) => /dry run: would start test pod/.test(l.message)));
  });

  it("reads every gateway replica: one holding requests wakes the pool (once), even while another cannot be read", async () => {
    const h = harness();
    h.setSecondGateway(known({ inFlight: 0, queued: 3, requestsTotal: 3, heldForWake: 3 }));
    assert.equal(await h.check(), "wake");
    h.setSecondGateway(unknown("connection refused"));
    Object.assign(h.load, { queued: 1, heldForWake: 1 });
    assert.equal(await h.check(), "waking", "still one wake, whichever replica holds the requests");
    assert.deepEqual(h.events, ["notify-wake", "start"]);
    const line = h.lines.filter((l) => l.fields["decision"] !== undefined).at(-1);
    assert.deepEqual((line?.fields["signals"] as { gateway: unknown }).gateway, { unknown: "gateway-2: connection refused" }, "idleness needs every replica");
  });

  it("never stops while the gateway holds requests for the pool", async () => {
    const h = harness({ idleLimit: 1 });
    Object.assign(h.load, { queued: 1, heldForWake: 1 });
    await h.check();
    for (let i = 0; i < 5; i++) assert.notEqual(await h.check(), "stop");
    assert.ok(!h.events.includes("stop"));
  });
});

