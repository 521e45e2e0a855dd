// make bench-guard: what the guard adds to one analysis, side by side in one run (shared machine):
//   redis-lock     acquire + release on Redis over loopback (the lock alone)
//   memory-lock    the same on the in-process table
//   guard-redis    guard.run with a no-op analysis: lock + SKIP read + state write + metrics row + release,
//                  on Redis and PostgreSQL (the whole per-analysis overhead)
//   guard-memory   guard.run on the in-process lock and the same PostgreSQL
// Needs TEST_REDIS_URL and TEST_DATABASE_URL (scripts/test-servers.sh starts both). Writes
// bench-results/guard/lock-overhead.json and prints a table.
import { mkdir, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { openMetricsStore } from "@reviewlens/metrics-store";
import { captureLogger, createTestDatabase } from "@reviewlens/testkit";
import { createAnalysisGuard, createMemoryLock, createRedisLock, lockKey, type LockBackend } from "@reviewlens/analysis-guard";
import { invokedAs, writeDocsFigures } from "../report/figure-file.js";
import { markdownTable } from "../report/markdown-report.js";

const redisUrl = process.env["TEST_REDIS_URL"];
if (!redisUrl || !process.env["TEST_DATABASE_URL"]) throw new Error("run through scripts/test-servers.sh (TEST_REDIS_URL, TEST_DATABASE_URL)");
const iterations = Number(process.env["BENCH_ITERATIONS"] ?? 2000);
const { logger } = captureLogger("bench-guard");

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { p50_ms: at(0.5), p99_ms: at(0.99), mean_ms: s.reduce((a, b) => a + b, 0) / s.length, n: s.length };
}

async function measure(name: string, once: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 100; i++) await once(-1 - i); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await once(i);
    samples.push(performance.now() - t);
  }
  return { name, ...percentiles(samples) };
}

const lockOnly = (lock: LockBackend, tag: string) => async (i: number) => {
  const got = await lock.acquire(lockKey(`bench-${tag}:`, `r${i}`, "sentiment"), 30_000);
  if (got.acquired) await lock.release(got.lease);
};

const db = await createTestDatabase("bench_guard");
const store = await openMetricsStore({ databaseUrl: db.url, logger });
const redisLock = createRedisLock({ url: redisUrl, logger });
const memoryLock = createMemoryLock();
const prefix = randomBytes(3).toString("hex");
const guardOn = (lock: LockBackend, tag: string) => {
  const guard = createAnalysisGuard({ lock, store, logger, keyPrefix: `bench-${prefix}-${tag}:` });
  // force: every call takes the full path (SKIP read, run, state write) instead of answering SKIPPED.
  return (i: number) => guard.run({ restaurantId: `r${i}`, analysisType: "sentiment", force: true, version: { reviewCount: 1, vectorVersion: 1 } }, async () => ({ result: { i } }));
};

const results = [];
// Variants run one after another in the same process, minutes apart at most; the JSON keeps the load average.
const variants: [string, (i: number) => Promise<unknown>][] = [
  ["redis-lock", lockOnly(redisLock, `${prefix}-a`)],
  ["memory-lock", lockOnly(memoryLock, `${prefix}-b`)],
  ["guard-redis", guardOn(redisLock, "c")],
  ["guard-memory", guardOn(memoryLock, "d")],
];
for (const [name, fn] of variants) results.push(await measure(name, fn));
await store.flush();
const redisGuard = results.find((r) => r.name === "guard-redis")!;
const memoryGuard = results.find((r) => r.name === "guard-memory")!;
const report = {
  iterations,
  load_average: (await import("node:os")).loadavg(),
  results,
  ratios: { guard_redis_over_memory_p50: redisGuard.p50_ms / memoryGuard.p50_ms, guard_redis_over_memory_p99: redisGuard.p99_ms / memoryGuard.p99_ms },
};
await mkdir("bench-results/guard", { recursive: true });
await writeFile("bench-results/guard/lock-overhead.json", JSON.stringify(report, null, 2));
for (const r of results) process.stdout.write(`${r.name.padEnd(14)} p50 ${r.p50_ms.toFixed(3)} ms  p99 ${r.p99_ms.toFixed(3)} ms  mean ${r.mean_ms.toFixed(3)} ms  (n=${r.n})\n`);
process.stdout.write(`guard on Redis / in-process: p50 x${report.ratios.guard_redis_over_memory_p50.toFixed(2)}, p99 x${report.ratios.guard_redis_over_memory_p99.toFixed(2)}\n`);
const WHAT: Record<string, string> = {
  "redis-lock": "lock alone, Redis (acquire + release, 2 round trips)",
  "memory-lock": "lock alone, in-process table",
  "guard-redis": "whole guard per analysis, Redis + PostgreSQL (lock, SKIP read, fenced state write, metrics row, release)",
  "guard-memory": "whole guard per analysis, in-process lock + PostgreSQL",
};
const figures = [
  `${iterations} samples each after 100 warm-up calls, Redis and PostgreSQL on loopback.`,
  markdownTable({ columns: ["what", "p50", "p99"], rows: results.map((r) => [WHAT[r.name] ?? r.name, `${r.p50_ms.toFixed(3)} ms`, `${r.p99_ms.toFixed(3)} ms`]) }),
];
process.stdout.write(`written: bench-results/guard/lock-overhead.json and ${writeDocsFigures("guard-lock-overhead", invokedAs("bench-guard", []), figures.join("\n\n"))}\n`);
await redisLock.close();
await store.close();
await db.drop();
