// The Redis lock against a real redis-server: the shared contract, fencing that survives a lost
// counter, and a holder SIGKILLed mid-analysis whose lock expires after its TTL.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { Redis } from "ioredis";
import { Status, statusOf } from "@reviewlens/runtime";
import { captureLogger, waitFor } from "@reviewlens/testkit";
import { createAnalysisGuard, createRedisLock, lockKey } from "../src/index.js";
import { lockContract } from "./lock-contract.js";
import { MemoryStateStore } from "./memory-state-store.js";
import { testRedisUrl } from "./redis-env.js";

lockContract("Redis lock", () => createRedisLock({ url: testRedisUrl(), logger: captureLogger().logger }));

test("a lost fencing counter never yields a number below one already issued", async () => {
  const lock = createRedisLock({ url: testRedisUrl(), logger: captureLogger().logger });
  const redis = new Redis(testRedisUrl());
  try {
    const key = lockKey(`t-${randomBytes(4).toString("hex")}:`, "r1", "summary");
    const a = await lock.acquire(key, 5_000);
    assert.ok(a.acquired);
    await lock.release(a.lease);
    await redis.del(`${key}:fencing`); // what a Redis restart without persistence does
    const b = await lock.acquire(key, 5_000);
    assert.ok(b.acquired && b.lease.fencing > a.lease.fencing);
  } finally {
    redis.disconnect();
    await lock.close();
  }
});

test("a holder SIGKILLed mid-analysis blocks others until its lock's TTL runs out, then the next call runs", async () => {
  const prefix = `t-${randomBytes(4).toString("hex")}:`;
  const ttlMs = 1_500;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./lock-holder-child.ts", import.meta.url)), testRedisUrl(), prefix, "r-killed", String(ttlMs)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const { logger } = captureLogger();
  const store = new MemoryStateStore();
  const guard = createAnalysisGuard({ lock: createRedisLock({ url: testRedisUrl(), logger }), store, logger, keyPrefix: prefix, lockTtlMs: ttlMs });
  const request = { restaurantId: "r-killed", analysisType: "sentiment", version: { reviewCount: 1, vectorVersion: 1 } };
  try {
    const holderFencing = (JSON.parse(await waitFor(() => out.split("\n").find((l) => l.includes("holding")), "the child to hold the lock", 20_000)) as { holding: number }).holding;
    // The child extends its lock, so waiting longer than the TTL still finds it held.
    await new Promise((r) => setTimeout(r, ttlMs + 300));
    await assert.rejects(
      guard.run(request, async () => ({ result: "mine" })),
      (err: Error) => {
        assert.equal(statusOf(err)?.status, Status.ALREADY_EXISTS);
        assert.match(err.message, /sentiment analysis of restaurant r-killed is already running \(held for \d+\.\d s\)/);
        return true;
      },
    );
    const killedAt = Date.now();
    child.kill("SIGKILL");
    const outcome = await waitFor(async () => {
      try {
        return await guard.run(request, async ({ fencing }) => ({ result: fencing }));
      } catch {
        return undefined;
      }
    }, "the dead holder's lock to expire", 10_000, 100);
    const waited = Date.now() - killedAt;
    assert.equal(outcome.status, "COMPLETED");
    assert.ok(outcome.fencing > holderFencing);
    assert.ok(waited < ttlMs + 2_000, `the lock freed within about its TTL (${waited} ms)`);
  } finally {
    child.kill("SIGKILL");
    await guard.close();
  }
});
