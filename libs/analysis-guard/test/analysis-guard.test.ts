// The guard end to end on real Redis and a real PostgreSQL metrics store (fresh database).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { openMetricsStore, type MetricsStore } from "@reviewlens/metrics-store";
import { Status, statusOf } from "@reviewlens/runtime";
import { captureLogger, createTestDatabase, waitFor, type TestDatabase } from "@reviewlens/testkit";
import { createAnalysisGuard, createRedisLock, type AnalysisGuardOptions, type GuardOutcome } from "../src/index.js";
import { startRedis, stopRedis, testRedisUrl } from "./redis-env.js";

let db: TestDatabase;
let store: MetricsStore;
before(async () => {
  db = await createTestDatabase("analysis_guard");
  store = await openMetricsStore({ databaseUrl: db.url, logger: captureLogger().logger, flushIntervalMs: 10 });
});
after(async () => {
  await store.close();
  await db.drop();
});

function makeGuard(overrides: Partial<AnalysisGuardOptions> = {}) {
  const { logger, lines } = captureLogger();
  const guard = createAnalysisGuard({
    lock: createRedisLock({ url: testRedisUrl(), logger, commandTimeoutMs: 300 }),
    store,
    logger,
    keyPrefix: `t-${randomBytes(4).toString("hex")}:`,
    lockTtlMs: 2_000,
    ...overrides,
  });
  return { guard, lines };
}

const v1 = { reviewCount: 10, vectorVersion: 1 };

test("20 concurrent identical calls: one run, 19 ALREADY_EXISTS; then SKIPPED with the stored result", async () => {
  const { guard } = makeGuard();
  const restaurantId = `r-${randomBytes(3).toString("hex")}`;
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const request = { restaurantId, analysisType: "sentiment", version: v1 };
  const calls = Array.from({ length: 20 }, () =>
    guard.run(request, async () => {
      runs++;
      await gate; // hold the lock until every other call has been refused
      return { result: { positive: 7 }, tokensUsed: 900, reviewsConsidered: 10, batchSize: 5 };
    }),
  );
  let refusals = 0;
  for (const c of calls) c.catch(() => refusals++);
  await waitFor(() => refusals === 19 || undefined, "19 refusals while the first call runs");
  release();
  const settled = await Promise.allSettled(calls);
  assert.equal(runs, 1);
  const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
  assert.equal(rejected.length, 19);
  for (const r of rejected) {
    assert.equal(statusOf(r.reason)?.status, Status.ALREADY_EXISTS);
    assert.match((r.reason as Error).message, new RegExp(`sentiment analysis of restaurant ${restaurantId} is already running \\(held for \\d+\\.\\d s\\)`));
  }
  const done = settled.find((s) => s.status === "fulfilled") as PromiseFulfilledResult<GuardOutcome<unknown>>;
  assert.equal(done.value.status, "COMPLETED");

  const again = await guard.run(request, async () => {
    runs++;
    return { result: { positive: 0 } };
  });
  assert.equal(runs, 1, "SKIP makes no run");
  assert.equal(again.status, "SKIPPED");
  assert.ok(again.status === "SKIPPED");
  assert.deepEqual(again.result, { positive: 7 });
  assert.ok(again.ageSeconds >= 0 && again.ageSeconds < 60);

  const forced = await guard.run({ ...request, force: true }, async () => ({ result: { positive: 8 } }));
  assert.equal(forced.status, "COMPLETED", "force bypasses SKIP");
  const changed = await guard.run({ ...request, version: { reviewCount: 11, vectorVersion: 2 } }, async () => ({ result: { positive: 9 } }));
  assert.equal(changed.status, "COMPLETED", "a new review changes the version");
  const skippedNow = await guard.run({ ...request, version: { reviewCount: 11, vectorVersion: 2 } }, async () => ({ result: {} }));
  assert.ok(skippedNow.status === "SKIPPED");
  assert.deepEqual(skippedNow.result, { positive: 9 });

  await store.flush();
  const rows = await store.query<{ status: string; n: number; tokens: number }>(
    "SELECT status, count(*)::int AS n, sum(tokens_used)::int AS tokens FROM analysis_metrics WHERE restaurant_id = $1 GROUP BY status ORDER BY status",
    [restaurantId],
  );
  assert.deepEqual(rows, [
    { status: "completed", n: 3, tokens: 900 },
    { status: "skipped", n: 2, tokens: 0 },
  ]);
  await guard.close();
});

test("a failed run is recorded, keeps the last success and releases the lock", async () => {
  const { guard } = makeGuard();
  const request = { restaurantId: `r-${randomBytes(3).toString("hex")}`, analysisType: "summary", version: v1 };
  await guard.run(request, async () => ({ result: "first" }));
  const failed = await guard.run({ ...request, force: true }, async () => {
    throw new Error("backend exploded");
  });
  assert.ok(failed.status === "FAILED");
  assert.match(failed.error.message, /backend exploded/);
  const state = await store.getAnalysisState(request.restaurantId, "summary");
  assert.equal(state?.lastResult, "first");
  assert.ok(state.lastAttemptAt.getTime() > state.lastSuccessAt!.getTime());
  const skipped = await guard.run(request, async () => ({ result: "never" }));
  assert.ok(skipped.status === "SKIPPED" && skipped.result === "first", "the lock was released and SKIP still answers");
  await guard.close();
});

test("fencing: a holder whose lock expired cannot overwrite the newer result", async () => {
  // Holder A never extends (as if paused by a long GC or a network partition) so its lock expires.
  const keyPrefix = `t-${randomBytes(4).toString("hex")}:`;
  const { logger } = captureLogger();
  const lockA = createRedisLock({ url: testRedisUrl(), logger });
  const lockB = createRedisLock({ url: testRedisUrl(), logger });
  const guardA = createAnalysisGuard({ lock: lockA, store, logger, keyPrefix, lockTtlMs: 300, extendEveryMs: 60_000 });
  const guardB = createAnalysisGuard({ lock: lockB, store, logger, keyPrefix, lockTtlMs: 2_000 });
  const request = { restaurantId: `r-${randomBytes(3).toString("hex")}`, analysisType: "sentiment", version: v1 };
  let resumeA!: () => void;
  const aPaused = new Promise<void>((r) => (resumeA = r));
  let aStarted = false;
  const runA = guardA.run(request, async () => {
    aStarted = true;
    await aPaused;
    return { result: "stale" };
  });
  await waitFor(() => aStarted || undefined, "holder A to start");
  const runB = await waitFor(async () => {
    try {
      return await guardB.run(request, async () => ({ result: "newer" }));
    } catch {
      return undefined; // ALREADY_EXISTS until A's lock expires
    }
  }, "A's lock to expire", 5_000, 50);
  assert.equal(runB.status, "COMPLETED");
  resumeA();
  const outcomeA = await runA;
  assert.ok(outcomeA.status === "COMPLETED" && runB.status === "COMPLETED");
  assert.ok(outcomeA.fencing < runB.fencing);
  assert.equal(outcomeA.stateWrite, "stale");
  assert.equal((await store.getAnalysisState(request.restaurantId, "sentiment"))?.lastResult, "newer");
  await guardA.close();
  await guardB.close();
});

test("Redis stopped mid-test: LOCK_UNAVAILABLE=fail refuses with a clear message, proceed runs unlocked", async () => {
  const { guard: failing } = makeGuard({ lockUnavailable: "fail" });
  const { guard: proceeding, lines } = makeGuard({ lockUnavailable: "proceed" });
  const request = { restaurantId: `r-${randomBytes(3).toString("hex")}`, analysisType: "sentiment", version: v1, force: true };
  assert.equal((await failing.run(request, async () => ({ result: 1 }))).status, "COMPLETED");
  stopRedis();
  try {
    await assert.rejects(failing.run(request, async () => ({ result: 2 })), (err: Error) => {
      assert.equal(statusOf(err)?.status, Status.UNAVAILABLE);
      assert.match(err.message, /lock store Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/);
      assert.match(err.message, /LOCK_UNAVAILABLE=fail/);
      return true;
    });
    const unlocked = await proceeding.run(request, async () => ({ result: 3 }));
    assert.ok(unlocked.status === "COMPLETED" && unlocked.stateWrite === "written", "fenced by the clock, above the last locked run");
    assert.ok(lines.some((l) => l["msg"] === "running without the lock (LOCK_UNAVAILABLE=proceed)"));
  } finally {
    await startRedis();
  }
  const back = await waitFor(async () => {
    try {
      return await failing.run(request, async () => ({ result: 4 }));
    } catch {
      return undefined;
    }
  }, "the lock to work again after Redis restarts", 10_000, 100);
  assert.equal(back.status, "COMPLETED");
  assert.equal((await store.getAnalysisState(request.restaurantId, "sentiment"))?.lastResult, 4);
  await failing.close();
  await proceeding.close();
});

test("Redis restarted without its data while an analysis runs: the holder puts its lock back and finishes, a duplicate is refused UNAVAILABLE until one TTL has passed", async () => {
  const keyPrefix = `t-${randomBytes(4).toString("hex")}:`;
  const { logger, lines } = captureLogger();
  const lockTtlMs = 1_500;
  const replica = () => createAnalysisGuard({ lock: createRedisLock({ url: testRedisUrl(), logger, commandTimeoutMs: 300 }), store, logger, keyPrefix, lockTtlMs });
  const holder = replica();
  const duplicate = replica();
  const request = { restaurantId: `r-${randomBytes(3).toString("hex")}`, analysisType: "sentiment", version: v1, force: true };
  // The duplicate's replica has been connected before the loss (it ran an analysis of another restaurant).
  assert.equal((await duplicate.run({ ...request, restaurantId: `${request.restaurantId}-other` }, async () => ({ result: 0 }))).status, "COMPLETED");
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  let started = false;
  const held = holder.run(request, async ({ signal }) => {
    started = true;
    await finished;
    signal.throwIfAborted();
    return { result: "holder" };
  });
  let fresh: ReturnType<typeof replica> | undefined;
  try {
    await waitFor(() => started || undefined, "the holder to run");
    stopRedis();
    await startRedis();
    const refused = await waitFor(async () => {
      try {
        await duplicate.run(request, async () => ({ result: "duplicate" }));
        return { status: -1, message: "it ran" };
      } catch (err) {
        const e = err as Error;
        // Until its client has reconnected the store is merely unreachable.
        return /is unreachable/.test(e.message) ? undefined : { status: statusOf(e)?.status, message: e.message };
      }
    }, "the duplicate's replica to reconnect", 10_000, 50);
    assert.equal(refused.status, Status.UNAVAILABLE, refused.message);
    assert.match(refused.message, /lock store Redis at redis:\/\/127\.0\.0\.1:\d+ lost its locks \d+\.\d s ago \(restarted without its data, or flushed\): new locks are refused for \d+\.\d s more/);
    // The holder's lock is back in Redis: a replica that connects only now, and so never saw the loss, is refused.
    const late = (fresh = replica());
    const lateOutcome = await waitFor(async () => {
      try {
        await late.run(request, async () => ({ result: "fresh" }));
        return "ran beside the holder";
      } catch (err) {
        return statusOf(err)?.status === Status.ALREADY_EXISTS ? "ALREADY_EXISTS" : undefined;
      }
    }, "the holder's lock to be put back", 10_000, 50);
    assert.equal(lateOutcome, "ALREADY_EXISTS");
    // Across more than one TTL the holder keeps its lock, then finishes and stores its result.
    await new Promise((r) => setTimeout(r, lockTtlMs * 1.5));
    finish();
    const outcome = await held;
    assert.ok(outcome.status === "COMPLETED" && outcome.stateWrite === "written", JSON.stringify(outcome));
    assert.ok(lines.some((l) => String(l["msg"]).startsWith("lock store lost its data") && l["locksPutBack"] === 1));
    // One TTL after the loss the duplicate's replica takes locks again.
    const after = await waitFor(async () => duplicate.run(request, async () => ({ result: "next" })).catch(() => undefined), "new locks after one TTL", 10_000, 100);
    assert.equal(after.status, "COMPLETED");
  } finally {
    finish();
    await held.catch(() => undefined);
    for (const g of [holder, duplicate, fresh]) await g?.close();
  }
});
