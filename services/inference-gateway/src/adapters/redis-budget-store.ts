// Tenants' budgets in Redis, shared by every gateway replica: per tenant a sorted set of the
// window's reservations (by time), their tokens, the window's total and the in-flight leases. One Lua
// script reserves (drop what left the window, check, record) and one settles (the estimate becomes
// the usage, the lease ends), each atomic, so concurrent requests on any replica cannot overshoot.
// Redis' clock times them all. Commands fail fast while Redis is down (no offline queue), so the
// failover decides at once instead of requests hanging until a reconnect.
import { Redis } from "ioredis";
import type { Logger } from "@reviewlens/runtime";
import { redactUrl } from "@reviewlens/runtime/redact-url";
import { BudgetStoreUnreachable, type BudgetStore, type BudgetUsage } from "../tenancy/budget-store.js";
import type { BudgetLimits, BudgetWindowOptions, RefusalReason, Reservation } from "../tenancy/token-budget.js";

// KEYS: 1 log (zset id -> reserved at), 2 tokens (hash id -> tokens), 3 the window's total, 4 leases
// (zset id -> lease end). Drops the entries that left the window (at <= now - window), in batches so
// no call unpacks more than Lua's stack takes, and the expired leases; returns the total.
const NOW_AND_EXPIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local used = tonumber(redis.call('GET', KEYS[3]) or '0')
while true do
  local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - window, 'LIMIT', 0, 500)
  if #old == 0 then break end
  local tokens = redis.call('HMGET', KEYS[2], unpack(old))
  for i = 1, #old do used = used - (tonumber(tokens[i]) or 0) end
  redis.call('ZREM', KEYS[1], unpack(old))
  redis.call('HDEL', KEYS[2], unpack(old))
  redis.call('SET', KEYS[3], used)
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
local inflight = redis.call('ZCARD', KEYS[4])
`;

// ARGV: 1 window ms, 2 id, 3 tokens, 4 tokens per window (-1: none), 5 max in flight (-1: none),
// 6 in-flight retry ms, 7 lease ms. Returns {admitted, reason, retry ms, tokens used, in flight}:
// token-budget.ts' decideReservation, in Lua.
const RESERVE = `${NOW_AND_EXPIRE}
local tokens = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local max_inflight = tonumber(ARGV[5])
if limit >= 0 and tokens > limit then return {0, 'too-large', 0, used, inflight} end
if max_inflight >= 0 and inflight >= max_inflight then return {0, 'in-flight', tonumber(ARGV[6]), used, inflight} end
if limit >= 0 and used + tokens > limit then
  local excess = used + tokens - limit
  local freed = 0
  local retry = window
  local offset = 0
  local found = false
  while not found do
    local batch = redis.call('ZRANGE', KEYS[1], offset, offset + 499, 'WITHSCORES')
    if #batch == 0 then break end
    local ids = {}
    for i = 1, #batch, 2 do ids[#ids + 1] = batch[i] end
    local amounts = redis.call('HMGET', KEYS[2], unpack(ids))
    for i = 1, #ids do
      freed = freed + (tonumber(amounts[i]) or 0)
      if freed >= excess then
        retry = math.max(1, tonumber(batch[2 * i]) + window - now)
        found = true
        break
      end
    end
    offset = offset + 500
  end
  return {0, 'tokens', retry, used, inflight}
end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], tokens)
used = used + tokens
redis.call('SET', KEYS[3], used)
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[7]), ARGV[2])
-- A tenant that stops sending leaves nothing behind.
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], window + tonumber(ARGV[7])) end
return {1, '', 0, used, inflight + 1}
`;

// ARGV: 1 id, 2 actual tokens. An entry already out of the window no longer counts, whatever it was.
const SETTLE = `
local previous = redis.call('HGET', KEYS[2], ARGV[1])
if previous then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  redis.call('INCRBY', KEYS[3], tonumber(ARGV[2]) - tonumber(previous))
end
redis.call('ZREM', KEYS[4], ARGV[1])
return 1
`;

// ARGV: 1 window ms. Returns {tokens used, in flight}.
const USAGE = `${NOW_AND_EXPIRE}
return {used, inflight}
`;

type ScriptReply = [number, string, number, number, number];

interface BudgetCommands {
  budgetReserve(log: string, tokens: string, total: string, leases: string, ...args: Array<string | number>): Promise<ScriptReply>;
  budgetSettle(log: string, tokens: string, total: string, leases: string, id: string, actual: number): Promise<number>;
  budgetUsage(log: string, tokens: string, total: string, leases: string, windowMs: number): Promise<[number, number]>;
}

export interface RedisBudgetOptions extends BudgetWindowOptions {
  readonly url: string;
  readonly logger: Logger;
  readonly leaseMs: number;
  /** Per-command timeout: an unresponsive Redis counts as unreachable after it. */
  readonly commandTimeoutMs: number;
  readonly keyPrefix?: string;
}


export class RedisBudgetStore implements BudgetStore {
  readonly description: string;
  private readonly redis: Redis & BudgetCommands;
  private lastState = "";

  constructor(private readonly options: RedisBudgetOptions) {
    this.description = `redis at ${redactUrl(options.url)}`;
    this.redis = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    }) as Redis & BudgetCommands;
    this.redis.on("error", (err: Error) => {
      // ioredis reports every reconnect attempt; one line per change of state is enough.
      if (this.lastState !== err.message) options.logger.warn({ err: err.message, store: this.description }, "budget store error");
      this.lastState = err.message;
    });
    this.redis.on("ready", () => {
      if (this.lastState !== "") options.logger.info({ store: this.description }, "budget store reachable again");
      this.lastState = "";
    });
    this.redis.defineCommand("budgetReserve", { numberOfKeys: 4, lua: RESERVE });
    this.redis.defineCommand("budgetSettle", { numberOfKeys: 4, lua: SETTLE });
    this.redis.defineCommand("budgetUsage", { numberOfKeys: 4, lua: USAGE });
  }

  /** Resolves once connected (start-up waits for it when budgets need Redis). */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === "ready") return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.redis.once("ready", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async reserve(tenant: string, id: string, tokens: number, limits: BudgetLimits): Promise<Reservation> {
    const { windowMs, inFlightRetryMs, leaseMs } = this.options;
    const [admitted, reason, retryAfterMs, tokensUsed, inFlight] = await this.call(() =>
      this.redis.budgetReserve(...this.keys(tenant), windowMs, id, Math.round(tokens), limits.tokensPerWindow ?? -1, limits.maxInFlight ?? -1, inFlightRetryMs, leaseMs),
    );
    return admitted === 1 ? { admitted: true, tokensUsed, inFlight } : { admitted: false, reason: reason as RefusalReason, retryAfterMs, tokensUsed, inFlight };
  }

  async settle(tenant: string, id: string, actualTokens: number): Promise<void> {
    await this.call(() => this.redis.budgetSettle(...this.keys(tenant), id, Math.round(actualTokens)));
  }

  async usage(tenant: string): Promise<BudgetUsage> {
    const [tokensUsed, inFlight] = await this.call(() => this.redis.budgetUsage(...this.keys(tenant), this.options.windowMs));
    return { tokensUsed, inFlight };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private keys(tenant: string): [string, string, string, string] {
    // One hash tag per tenant: a Redis Cluster keeps a tenant's keys on one slot, as scripts need.
    const base = `${this.options.keyPrefix ?? "reviewlens:budget:"}{${tenant}}`;
    return [`${base}:log`, `${base}:tokens`, `${base}:total`, `${base}:leases`];
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new BudgetStoreUnreachable(error);
    }
  }
}
