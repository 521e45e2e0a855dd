// The distributed lock on Redis (ioredis): SET NX PX with a random token, the fencing number taken in
// the same script, compare-and-delete release and compare-and-extend in Lua so only the owner can
// touch its lock. Commands fail fast while Redis is down (no offline queue) so LOCK_UNAVAILABLE
// decides, instead of calls hanging until a reconnect.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "@reviewlens/runtime";
import { acquiredAtOf, LockUnavailableError, type AcquireResult, type LockBackend, type LockLease } from "./lock-backend.js";

// KEYS[1] lock, KEYS[2] its fencing counter (the lock key + ":fencing", never expires); ARGV[1] token, ARGV[2] ttl ms. Redis' clock stamps the
// value (holder age for refused callers) and floors the counter at microseconds (fencing-floor.ts).
const ACQUIRE = `
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local value = ARGV[1] .. ':' .. string.format('%.0f', now_ms)
if redis.call('SET', KEYS[1], value, 'NX', 'PX', ARGV[2]) then
  local fence = redis.call('INCR', KEYS[2])
  local floor = tonumber(t[1]) * 1000000 + tonumber(t[2])
  if fence < floor then
    redis.call('SET', KEYS[2], string.format('%.0f', floor))
    fence = floor
  end
  return {1, value, fence}
end
return {0, redis.call('GET', KEYS[1]) or '', now_ms}
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

interface LockCommands {
  lockAcquire(lock: string, fence: string, token: string, ttlMs: number): Promise<[number, string, number]>;
  lockRelease(lock: string, value: string): Promise<number>;
  lockExtend(lock: string, value: string, ttlMs: number): Promise<number>;
}

export interface RedisLockOptions {
  readonly url: string;
  readonly logger: Logger;
  /** Per-command timeout: an unresponsive Redis counts as unavailable after it. */
  readonly commandTimeoutMs?: number;
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString().replace(/\/$/, "");
}

export function createRedisLock(options: RedisLockOptions): LockBackend & { ready(): Promise<void> } {
  const description = `Redis at ${redactUrl(options.url)}`;
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  }) as Redis & LockCommands;
  let lastState = "";
  redis.on("error", (err: Error) => {
    // ioredis reports every reconnect attempt; one line per change of state is enough.
    if (lastState !== err.message) options.logger.warn({ err: err.message, lock: description }, "lock store error");
    lastState = err.message;
  });
  redis.on("ready", () => {
    if (lastState !== "") options.logger.info({ lock: description }, "lock store reachable again");
    lastState = "";
  });
  redis.defineCommand("lockAcquire", { numberOfKeys: 2, lua: ACQUIRE });
  redis.defineCommand("lockRelease", { numberOfKeys: 1, lua: RELEASE });
  redis.defineCommand("lockExtend", { numberOfKeys: 1, lua: EXTEND });

  const waitReadyMs = options.commandTimeoutMs ?? 1_000;
  // Between start-up and the first connection (or during a reconnect) give Redis one command
  // timeout to come up before calling it unavailable.
  function untilReady(): Promise<void> {
    if (redis.status === "ready") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        redis.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, waitReadyMs);
      redis.once("ready", done);
    });
  }

  async function call<T>(work: () => Promise<T>): Promise<T> {
    try {
      await untilReady();
      return await work();
    } catch (err) {
      throw new LockUnavailableError(description, err);
    }
  }

  return {
    description,
    async acquire(key, ttlMs): Promise<AcquireResult> {
      const [ok, value, fenceOrNow] = await call(() => redis.lockAcquire(key, `${key}:fencing`, randomUUID(), ttlMs));
      if (ok === 1) return { acquired: true, lease: { key, value, fencing: Number(fenceOrNow) } };
      const since = value ? acquiredAtOf(value) : undefined;
      return { acquired: false, heldForMs: since === undefined ? undefined : Number(fenceOrNow) - since };
    },
    async extend(lease: LockLease, ttlMs) {
      return (await call(() => redis.lockExtend(lease.key, lease.value, ttlMs))) === 1;
    },
    async release(lease: LockLease) {
      return (await call(() => redis.lockRelease(lease.key, lease.value))) === 1;
    },
    async ready() {
      await call(() => redis.ping());
    },
    async close() {
      redis.disconnect();
    },
  };
}
