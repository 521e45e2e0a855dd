import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WakePolicy, type WakeDecision } from "./wake-policy.js";

const MINUTE = 60_000;

/** One check per minute; each step is the gateway's held count (undefined: unreadable). Acts on every wake as a successful start. */
function run(held: Array<number | undefined>, options: { wakeTimeoutMs?: number; failingWakes?: number } = {}): WakeDecision[] {
  const policy = new WakePolicy({ wakeTimeoutMs: options.wakeTimeoutMs ?? 5 * MINUTE });
  let failures = options.failingWakes ?? 0;
  return held.map((h, i) => {
    const now = (i + 1) * MINUTE;
    const v = policy.evaluate(h, now);
    if (v.decision === "wake") {
      if (failures-- > 0) policy.wakeFailed();
      else policy.wakeSucceeded(now);
    }
    return v.decision;
  });
}

describe("WakePolicy", () => {
  it("never wakes without a request held for the pool, nor when the gateway cannot be read", () => {
    assert.deepEqual(run([0, 0, undefined, 0]), ["none", "none", "none", "none"]);
  });

  it("wakes once when requests are held, then waits for that wake instead of calling again", () => {
    assert.deepEqual(run([0, 3, 5, 5, 2, 0]), ["none", "wake", "waking", "waking", "waking", "none"]);
  });

  it("calls again when the wake did not bring the pool back within the wake timeout", () => {
    const decisions = run([1, 1, 1, 1, 1, 1], { wakeTimeoutMs: 3 * MINUTE });
    assert.deepEqual(decisions, ["wake", "waking", "waking", "wake", "waking", "waking"]);
  });

  it("retries a failed start at the next check that still finds requests held", () => {
    assert.deepEqual(run([2, 2, 2], { failingWakes: 1 }), ["wake", "wake", "waking"]);
  });

  it("a stop ends the wake: the next request starts a new one at once", () => {
    const policy = new WakePolicy({ wakeTimeoutMs: 10 * MINUTE });
    assert.equal(policy.evaluate(1, MINUTE).decision, "wake");
    policy.wakeSucceeded(MINUTE);
    assert.equal(policy.evaluate(1, 2 * MINUTE).decision, "waking");
    policy.stopSucceeded();
    assert.equal(policy.evaluate(0, 3 * MINUTE).decision, "none", "stopped, and nothing asks for it");
    const again = policy.evaluate(1, 4 * MINUTE);
    assert.deepEqual(again, { decision: "wake", reason: "1 request held for the pool by the gateway", heldForWake: 1 });
  });

  it("says why in each decision", () => {
    const policy = new WakePolicy({ wakeTimeoutMs: 5 * MINUTE });
    policy.wakeSucceeded(0);
    assert.match(policy.evaluate(4, 2 * MINUTE).reason, /4 requests held.*a wake is under way \(120 s of the 300 s wake timeout\)/);
    assert.match(policy.evaluate(4, 6 * MINUTE).reason, /did not bring it back within the 300 s wake timeout/);
    assert.match(policy.evaluate(undefined, 7 * MINUTE).reason, /could not be read/);
  });
});
