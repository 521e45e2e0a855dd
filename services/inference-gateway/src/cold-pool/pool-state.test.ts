import assert from "node:assert/strict";
import { test } from "node:test";
import { decideHold, expectedWakeAt, MIN_WAKE_RETRY_MS, poolState, type PoolSituation } from "./pool-state.js";

const MIN = 60_000;
// A pool that has been waking for a minute, with a 3-minute expected cold start.
const waking = (over: Partial<PoolSituation> = {}): PoolSituation => ({
  state: "waking",
  wakeable: true,
  wakeAskedAt: 0,
  expectedColdStartMs: 3 * MIN,
  wakeTimeoutMs: 6 * MIN,
  ...over,
});
const now = MIN;

test("a pool is warm with a healthy backend, waking while requests wait for one, cold otherwise", () => {
  assert.deepEqual([poolState(2, undefined), poolState(1, 5), poolState(0, 5), poolState(0, undefined)], ["warm", "warm", "waking", "cold"]);
});

test("a warm pool lets every request through to normal admission", () => {
  assert.deepEqual(decideHold(waking({ state: "warm" }), { priority: "interactive", deadlineAt: now + 1 }, now), { kind: "go" });
});

test("a pool nobody wakes refuses at once, whatever the request", () => {
  for (const state of ["cold", "waking"] as const) {
    assert.deepEqual(decideHold(waking({ state, wakeable: false }), { priority: "batch" }, now), { kind: "refuse", reason: "not-wakeable" });
  }
});

test("a request without a deadline is held until the wake timeout, expecting the pool at the wake's start plus the cold start", () => {
  assert.deepEqual(decideHold(waking(), { priority: "standard" }, now), { kind: "hold", expectedWakeAt: 3 * MIN, holdUntil: 7 * MIN });
});

test("the first request at a cold pool starts the wake: it expects a whole cold start", () => {
  assert.deepEqual(decideHold(waking({ state: "cold", wakeAskedAt: undefined }), { priority: "interactive" }, now), { kind: "hold", expectedWakeAt: 4 * MIN, holdUntil: 7 * MIN });
});

test("a deadline that ends before the expected wake is refused with the time until the wake as its retry delay", () => {
  assert.deepEqual(decideHold(waking(), { priority: "interactive", deadlineAt: now + 30_000 }, now), {
    kind: "refuse",
    reason: "deadline-before-wake",
    deadlineAt: now + 30_000,
    expectedWakeAt: 3 * MIN,
    retryAfterMs: 2 * MIN,
  });
  assert.equal(decideHold(waking(), { priority: "standard", deadlineAt: 3 * MIN }, now).kind, "hold", "a deadline at the expected wake is held");
});

test("batch work waits for the wake whatever its deadline", () => {
  assert.equal(decideHold(waking(), { priority: "batch", deadlineAt: now + 1 }, now).kind, "hold");
});

test("a wake later than expected is due any moment: short deadlines are told to retry soon, not in the past", () => {
  const late = waking({ wakeAskedAt: 0 });
  const at = 10 * MIN;
  assert.equal(expectedWakeAt(late, at), at + MIN_WAKE_RETRY_MS);
  const refused = decideHold(late, { priority: "interactive", deadlineAt: at + 10 }, at);
  assert.deepEqual(refused.kind === "refuse" && refused.reason === "deadline-before-wake" ? refused.retryAfterMs : undefined, MIN_WAKE_RETRY_MS);
});
