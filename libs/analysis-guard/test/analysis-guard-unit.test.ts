// Guard behaviours that need no servers: lost locks, cancellation, bad input (in-process lock, fake store).
import assert from "node:assert/strict";
import { test } from "node:test";
import { captureLogger } from "@reviewlens/testkit";
import { createAnalysisGuard, createMemoryLock, type LockBackend } from "../src/index.js";
import { MemoryStateStore } from "./memory-state-store.js";

const version = { reviewCount: 3, vectorVersion: 1 };

test("a lock lost to another holder while running aborts the analysis and reports FAILED", async () => {
  const inner = createMemoryLock();
  const losing: LockBackend = { ...inner, extend: async () => false };
  const { logger } = captureLogger();
  const store = new MemoryStateStore();
  const guard = createAnalysisGuard({ lock: losing, store, logger, lockTtlMs: 1_000, extendEveryMs: 20 });
  const outcome = await guard.run<never>({ restaurantId: "r1", analysisType: "sentiment", version }, ({ signal }) =>
    new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error))),
  );
  assert.ok(outcome.status === "FAILED");
  assert.match(outcome.error.message, /expired while the analysis ran/);
  assert.equal(store.states.get("r1/sentiment")?.lastResult, undefined, "nothing stored as a success");
  assert.deepEqual(store.metrics.map((m) => m.status), ["failed"]);
});

test("a caller that cancels stops the analysis and frees the lock", async () => {
  const { logger } = captureLogger();
  const store = new MemoryStateStore();
  const guard = createAnalysisGuard({ lock: createMemoryLock(), store, logger });
  const ac = new AbortController();
  const running = guard.run<never>({ restaurantId: "r2", analysisType: "summary", version, signal: ac.signal }, ({ signal }) =>
    new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(new Error("cancelled")))),
  );
  ac.abort();
  assert.equal((await running).status, "FAILED");
  const next = await guard.run({ restaurantId: "r2", analysisType: "summary", version }, async () => ({ result: "ok" }));
  assert.equal(next.status, "COMPLETED");
});

test("an empty restaurant id or analysis type is INVALID_ARGUMENT naming the field, and changes nothing", async () => {
  const { logger } = captureLogger();
  const store = new MemoryStateStore();
  const guard = createAnalysisGuard({ lock: createMemoryLock(), store, logger });
  let ran = false;
  const execute = async () => {
    ran = true;
    return { result: 1 };
  };
  await assert.rejects(guard.run({ restaurantId: "", analysisType: "sentiment", version }, execute), /restaurant_id: must not be empty/);
  await assert.rejects(guard.run({ restaurantId: "r", analysisType: "", version }, execute), /analysis_type: must not be empty/);
  assert.equal(ran, false);
  assert.equal(store.metrics.length + store.states.size, 0);
});

test("without SKIP state the database being unreadable does not stop the analysis", async () => {
  const { logger, lines } = captureLogger();
  const store = new MemoryStateStore();
  store.getAnalysisState = async () => {
    throw new Error("connection refused");
  };
  const guard = createAnalysisGuard({ lock: createMemoryLock(), store, logger });
  const outcome = await guard.run({ restaurantId: "r3", analysisType: "sentiment", version }, async () => ({ result: 5 }));
  assert.equal(outcome.status, "COMPLETED");
  assert.ok(lines.some((l) => String(l["msg"]).includes("running without the SKIP check")));
});

test("a forced run does not read the SKIP state, and still stores its result", async () => {
  const { logger } = captureLogger();
  const store = new MemoryStateStore();
  let reads = 0;
  const read = store.getAnalysisState.bind(store);
  store.getAnalysisState = async (...args) => {
    reads++;
    return read(...args);
  };
  const guard = createAnalysisGuard({ lock: createMemoryLock(), store, logger });
  await guard.run({ restaurantId: "r4", analysisType: "sentiment", version }, async () => ({ result: 1 }));
  assert.equal(reads, 1, "an unforced run reads the state for its SKIP check");
  const forced = await guard.run({ restaurantId: "r4", analysisType: "sentiment", version, force: true }, async () => ({ result: 2 }));
  assert.equal(forced.status, "COMPLETED");
  assert.equal(reads, 1, "the forced run read nothing");
  assert.equal((await read("r4", "sentiment"))?.lastResult, 2);
});
