// The distributed lock on Redis (ioredis): SET NX PX with a random token, the fencing number taken in
// the same script, compare-and-delete release and compare-and-extend in Lua so only the owner can
// touch its lock. Commands fail fast while Redis is down (no offline queue) so LOCK_UNAVAILABLE
// decides, instead of calls hanging until a reconnect.
//
// A Redis that comes back without its data (restarted without persistence, flushed) has forgotten
// every lock while their holders still run. An epoch key tells: on every (re)connection the lock
// reads it (creating it when absent), and a different epoch means the data went. Then this
// process's holders put their locks back at once, and it refuses new locks for one lock TTL, the
// longest a lock taken before could still be held; so a duplicate cannot start beside a holder
// whose lock was lost. (A process that first connects after the loss cannot know; one TTL is all it
// would have to wait.)
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "@reviewlens/runtime";
import { redactUrl } from "@reviewlens/runtime/redact-url";
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

// ARGV[3] '1': the lease was taken before the store lost its data, so a missing key is put back.
const EXTEND = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not v and ARGV[3] == '1' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

// KEYS[1] the epoch key, ARGV[1] a new epoch: the stored epoch, created when absent.
const EPOCH = `
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
`;

const EPOCH_KEY = "reviewlens:lock-store-epoch";

interface LockCommands {
  lockAcquire(lock: string, fence: string, token: string, ttlMs: number): Promise<[number, string, number]>;
  lockRelease(lock: string, value: string): Promise<number>;
  lockExtend(lock: string, value: string, ttlMs: number, reassert: "0" | "1"): Promise<number>;
  lockEpoch(key: string, fresh: string): Promise<string>;
}

/** A lease this process holds: the epoch of the store's data it was taken in, and its TTL. */
interface HeldLease {
  key: string;
  ttlMs: number;
  epoch: string | undefined;
}

export interface RedisLockOptions {
  readonly url: string;
  readonly logger: Logger;
  /** Per-command timeout: an unresponsive Redis counts as unavailable after it. */
  readonly commandTimeoutMs?: number;
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
  let epoch: string | undefined;
  let lostAt: number | undefined;
  const held = new Map<string, HeldLease>();
  let epochChecked: Promise<void> = Promise.resolve();

  async function checkEpoch(): Promise<void> {
    try {
      const current = await redis.lockEpoch(EPOCH_KEY, randomUUID());
      if (epoch !== undefined && current !== epoch) {
        lostAt = Date.now();
        const mine = [...held.entries()];
        const kept = await Promise.all(mine.map(([value, h]) => redis.lockExtend(h.key, value, h.ttlMs, "1").then((n) => n === 1, () => false)));
        for (const [, h] of mine) h.epoch = current;
        options.logger.warn(
          { lock: description, locksPutBack: kept.filter(Boolean).length, locksLost: kept.filter((k) => !k).length },
          "lock store lost its data (restarted or flushed): held locks put back, new locks refused for one lock TTL",
        );
      }
      epoch = current;
    } catch (err) {
      // The next connection checks again; until then nothing is known to be lost.
      options.logger.warn({ err: (err as Error).message, lock: description }, "lock store epoch unreadable");
    }
  }

  redis.on("error", (err: Error) => {
    // ioredis reports every reconnect attempt; one line per change of state is enough.
    if (lastState !== err.message) options.logger.warn({ err: err.message, lock: description }, "lock store error");
    lastState = err.message;
  });
  redis.on("ready", () => {
    if (lastState !== "") options.logger.info({ lock: description }, "lock store reachable again");
    lastState = "";
    epochChecked = checkEpoch();
  });
  redis.defineCommand("lockAcquire", { numberOfKeys: 2, lua: ACQUIRE });
  redis.defineCommand("lockRelease", { numberOfKeys: 1, lua: RELEASE });
  redis.defineCommand("lockExtend", { numberOfKeys: 1, lua: EXTEND });
  redis.defineCommand("lockEpoch", { numberOfKeys: 1, lua: EPOCH });

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
      await epochChecked;
      return await work();
    } catch (err) {
      if (err instanceof LockUnavailableError) throw err;
      throw new LockUnavailableError(description, err);
    }
  }

  /** Refuses new locks while one taken before the store lost its data could still be held. */
  function refuseWhileLostLocksMayRun(ttlMs: number): void {
    const since = lostAt === undefined ? Infinity : Date.now() - lostAt;
    if (since >= ttlMs) return;
    throw new LockUnavailableError(
      description,
      `new locks are refused for ${((ttlMs - since) / 1000).toFixed(1)} s more, until every lock taken before would have expired`,
      `lost its locks ${(since / 1000).toFixed(1)} s ago (restarted without its data, or flushed)`,
    );
  }

  return {
    description,
    async acquire(key, ttlMs): Promise<AcquireResult> {
      const [ok, value, fenceOrNow] = await call(async () => {
        refuseWhileLostLocksMayRun(ttlMs);
        return redis.lockAcquire(key, `${key}:fencing`, randomUUID(), ttlMs);
      });
      if (ok === 1) {
        held.set(value, { key, ttlMs, epoch });
        return { acquired: true, lease: { key, value, fencing: Number(fenceOrNow) } };
      }
      const since = value ? acquiredAtOf(value) : undefined;
      return { acquired: false, heldForMs: since === undefined ? undefined : Number(fenceOrNow) - since };
    },
    async extend(lease: LockLease, ttlMs) {
      const own = held.get(lease.value);
      if (own) own.ttlMs = ttlMs;
      const reassert = own?.epoch !== undefined && epoch !== undefined && own.epoch !== epoch ? "1" : "0";
      const kept = (await call(() => redis.lockExtend(lease.key, lease.value, ttlMs, reassert))) === 1;
      if (kept && own) own.epoch = epoch;
      return kept;
    },
    async release(lease: LockLease) {
      held.delete(lease.value);
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
