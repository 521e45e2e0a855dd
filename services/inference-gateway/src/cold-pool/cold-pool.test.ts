import assert from "node:assert/strict";
import { describe, it, mock } from "node:test";
import { statusOf, Status } from "@reviewlens/runtime";
import { waitFor } from "@reviewlens/testkit";
import { testPool } from "../../test/test-pool.js";
import { Dispatcher, type Dispatch, type DispatchTicket, type Waiter } from "../dispatcher.js";
import { GatewayShuttingDown, NoHealthyBackend, PoolWakesAfterDeadline, PoolWakeTimedOut } from "../gateway-errors.js";
import { BackendRouter } from "../routing/backend-router.js";
import { LatencySensitiveArrivals } from "../scheduling/latency-sensitive-arrivals.js";
import { PrefillCostQueue } from "../scheduling/prefill-cost-queue.js";
import type { PriorityClass } from "../scheduling/priority-class.js";
import { ColdPool, type ColdPoolRefusal } from "./cold-pool.js";
import { ColdStartEstimate } from "./cold-start-estimate.js";

const SECOND = 1_000;

/** A cold pool (no replica yet) in front of the real dispatcher and queue, on a clock the test moves. */
function coldStack(options: { wakeable?: boolean; coldStartMs?: number; wakeTimeoutMs?: number } = {}) {
  let clock = 0;
  const pool = testPool(() => true, 4);
  const queue = new PrefillCostQueue<Waiter>({ agingFactor: 2, agingFloorTokens: 65_536, crossClassFactor: 4, deadlineSlackMs: 0, costGranularityTokens: 1 });
  const dispatcher = new Dispatcher(queue, pool, new BackendRouter({ policy: "least-loaded", affinityMargin: 0, maxEntries: 10 }), {
    batchWindowMs: 0,
    latencySensitive: new LatencySensitiveArrivals({ windowMs: 0, shortPromptTokens: 0, backendOrdersClasses: false }),
  });
  const refusals: ColdPoolRefusal[] = [];
  const wakes: Array<{ wakeMs: number; waitsMs: readonly number[] }> = [];
  const coldStart = new ColdStartEstimate(options.coldStartMs ?? 180 * SECOND);
  const cold = new ColdPool(
    { wakeable: options.wakeable ?? true, coldStart, wakeTimeoutMs: options.wakeTimeoutMs },
    {
      healthyBackends: () => pool.list().filter((b) => b.healthy && !b.draining).length,
      events: { refused: (r) => void refusals.push(r), woke: (wakeMs, waitsMs) => void wakes.push({ wakeMs, waitsMs }) },
      now: () => clock,
    },
  );
  // What main.ts does: the pool's health changes reach the cold pool (a probe that finds a backend healthy announces room).
  pool.onRoomFreed(() => cold.update());
  const held = cold.holding(dispatcher);
  const ticket = (priority: PriorityClass = "standard", cost = 100): DispatchTicket => ({ priority, cost, prefixBlockTokens: 16, prefillMs: 0, prefixKeys: [] });
  const settle = <T>(p: Promise<T>) => p.then((value) => ({ value, error: undefined }), (error: unknown) => ({ value: undefined, error }));
  return {
    pool,
    queue,
    cold,
    coldStart,
    refusals,
    wakes,
    ticket,
    settle,
    wait: (t: DispatchTicket, signal = new AbortController().signal) => settle(held.wait(t, signal)),
    advance: (ms: number) => void (clock += ms),
    now: () => clock,
  };
}

const dispatched = async (p: Promise<{ value: Dispatch | undefined; error: unknown }>) => {
  const { value, error } = await p;
  if (error) throw error as Error;
  return value!;
};

describe("ColdPool", () => {
  it("a warm pool is not in the way: no refusal, nothing held, the wait is the dispatcher's", async () => {
    const s = coldStack();
    const backend = s.pool.add("http://replica-a");
    await waitFor(() => backend.healthy || undefined, "the replica's probe");
    s.cold.check({ priority: "interactive", deadlineAt: 1 });
    assert.equal((await dispatched(s.wait(s.ticket()))).backend, backend);
    assert.deepEqual(s.cold.snapshot(), { state: "warm", wakeable: true, queuedForWake: 0, expectedColdStartMs: 180 * SECOND, wakeTimeoutMs: 360 * SECOND });
    assert.deepEqual([s.refusals, s.wakes], [[], []]);
    s.pool.stop();
  });

  it("a pool nobody wakes refuses with UNAVAILABLE at once, as before", () => {
    const s = coldStack({ wakeable: false });
    assert.throws(() => s.cold.check({ priority: "batch" }), NoHealthyBackend);
    assert.equal(s.cold.state, "cold");
  });

  it("holds requests in their usual order while the pool wakes, then lets them through normal admission and measures the wait", async () => {
    const s = coldStack();
    assert.equal(s.cold.state, "cold");
    s.cold.check({ priority: "standard" });
    const order: string[] = [];
    const big = s.wait(s.ticket("standard", 300)).then((r) => (order.push("standard 300"), r));
    s.advance(10 * SECOND);
    const small = s.wait(s.ticket("standard", 100)).then((r) => (order.push("standard 100"), r));
    const batch = s.wait(s.ticket("batch", 10)).then((r) => (order.push("batch 10"), r));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(s.cold.snapshot().state, "waking");
    assert.equal(s.cold.snapshot().queuedForWake, 3, "the wake signal counts every held request");
    assert.equal(s.queue.length, 3, "they wait in the gateway's queue");

    s.advance(50 * SECOND);
    s.pool.add("http://replica-a"); // the wake: its first probe finds it healthy
    await Promise.all([dispatched(big), dispatched(small), dispatched(batch)]);
    assert.deepEqual(order, ["standard 100", "standard 300", "batch 10"], "class first, then shortest prefill, as when warm");
    assert.deepEqual(s.wakes, [{ wakeMs: 60 * SECOND, waitsMs: [60 * SECOND, 50 * SECOND, 50 * SECOND] }]);
    assert.equal(s.coldStart.expectedMs, 60 * SECOND, "the measured wake is the next expected cold start");
    assert.deepEqual([s.cold.state, s.cold.snapshot().queuedForWake], ["warm", 0]);
    s.pool.stop();
  });

  it("the woken replica gets no more than its admission budget at once: the rest stay queued until room frees", async () => {
    const s = coldStack();
    const held = Array.from({ length: 7 }, () => s.wait(s.ticket()));
    await new Promise((r) => setImmediate(r));
    assert.equal(s.cold.snapshot().queuedForWake, 7);

    const backend = s.pool.add("http://replica-a"); // four sequences
    await Promise.all(held.slice(0, 4).map(dispatched));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([s.cold.state, s.queue.length, s.cold.snapshot().queuedForWake], ["warm", 3, 0], "three wait for room, no longer for a wake");

    // One finishes: exactly one more goes, the next in the queue's order.
    s.pool.finished(backend, 100, false);
    await dispatched(held[4]!);
    await new Promise((r) => setImmediate(r));
    assert.equal(s.queue.length, 2);
    for (let i = 0; i < 2; i++) s.pool.finished(backend, 100, false);
    await Promise.all(held.slice(5).map(dispatched));
    assert.equal(s.queue.length, 0);
    s.pool.stop();
  });

  it("refuses a caller whose deadline ends before the expected wake, with the wake as its retry delay; batch work waits", async () => {
    const s = coldStack({ coldStartMs: 120 * SECOND });
    const first = s.wait(s.ticket("batch"));
    s.advance(20 * SECOND);
    let error: unknown;
    try {
      s.cold.check({ priority: "interactive", deadlineAt: s.now() + 30 * SECOND });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof PoolWakesAfterDeadline);
    assert.deepEqual(statusOf(error), { status: Status.UNAVAILABLE, message: error.message, retryAfterMs: 100 * SECOND });
    assert.doesNotThrow(() => s.cold.check({ priority: "batch", deadlineAt: s.now() + 1 }));
    assert.doesNotThrow(() => s.cold.check({ priority: "interactive", deadlineAt: s.now() + 100 * SECOND }), "a deadline at the expected wake waits");
    assert.deepEqual(s.refusals, ["deadline-before-wake"]);
    s.pool.add("http://replica-a");
    await dispatched(first);
    s.pool.stop();
  });

  it("fails a held request with UNAVAILABLE after the wake timeout and takes it out of the queue", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const s = coldStack({ coldStartMs: 60 * SECOND, wakeTimeoutMs: 90 * SECOND });
    const held = s.wait(s.ticket());
    await new Promise((r) => setImmediate(r));
    assert.equal(s.queue.length, 1);
    s.advance(90 * SECOND);
    t.mock.timers.tick(90 * SECOND);
    const { error } = await held;
    assert.ok(error instanceof PoolWakeTimedOut, String(error));
    assert.equal(statusOf(error)?.status, Status.UNAVAILABLE);
    assert.equal(statusOf(error)?.retryAfterMs, 1_000, "the wake is late: due any moment");
    assert.equal(s.queue.length, 0, "gone from the queue");
    assert.deepEqual(s.refusals, ["wake-timeout"]);
    assert.equal(s.cold.state, "cold", "nothing waits any more");
    mock.timers.reset();
  });

  it("a caller that gives up leaves the queue, and the wake signal drops", async () => {
    const s = coldStack();
    const caller = new AbortController();
    const held = s.wait(s.ticket(), caller.signal);
    await new Promise((r) => setImmediate(r));
    assert.equal(s.cold.snapshot().queuedForWake, 1);
    caller.abort(new Error("deadline exceeded"));
    assert.match(String((await held).error), /deadline exceeded/);
    assert.deepEqual([s.queue.length, s.cold.snapshot().queuedForWake, s.cold.state], [0, 0, "cold"]);
  });

  it("requests queued while warm are held once the pool goes cold; shutdown fails every held request with UNAVAILABLE", async () => {
    const s = coldStack();
    const backend = s.pool.add("http://replica-a");
    await waitFor(() => backend.healthy || undefined, "the replica's probe");
    // Fill the replica's four sequences, so the next two wait for room.
    for (let i = 0; i < 4; i++) await dispatched(s.wait(s.ticket()));
    const queued = [s.wait(s.ticket()), s.wait(s.ticket())];
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([s.queue.length, s.cold.snapshot().queuedForWake], [2, 0], "waiting for room is not waiting for a wake");

    s.pool.failed(backend, "connection refused", true);
    s.cold.update(); // main.ts: onHealthChange
    assert.deepEqual([s.cold.state, s.cold.snapshot().queuedForWake], ["waking", 2]);
    s.cold.shutdown();
    for (const { error } of await Promise.all(queued)) assert.ok(error instanceof GatewayShuttingDown, String(error));
    assert.deepEqual(s.refusals, ["shutdown", "shutdown"]);
    assert.equal(s.queue.length, 0);
    const late = await s.wait(s.ticket());
    assert.ok(late.error instanceof GatewayShuttingDown, "nothing new is held once shutting down");
    s.pool.stop();
  });
});
