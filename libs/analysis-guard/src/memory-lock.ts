// The in-process lock table: the embedded default when REDIS_URL is not set. Same semantics as the
// Redis lock (owner-only release and extension, expiry after the TTL, fencing numbers) within one
// process; several replicas need Redis.
import { randomUUID } from "node:crypto";
import { nextFencing, nowMicros } from "./fencing-floor.js";
import { acquiredAtOf, lockValue, type AcquireResult, type LockBackend, type LockLease } from "./lock-backend.js";

interface Entry {
  value: string;
  expiresAt: number;
}

export function createMemoryLock(now: () => number = Date.now): LockBackend {
  const locks = new Map<string, Entry>();
  const fences = new Map<string, number>();

  function live(key: string): Entry | undefined {
    const entry = locks.get(key);
    if (entry && entry.expiresAt <= now()) {
      locks.delete(key);
      return undefined;
    }
    return entry;
  }

  return {
    description: "in-process lock table",
    async acquire(key, ttlMs): Promise<AcquireResult> {
      const held = live(key);
      if (held) {
        const since = acquiredAtOf(held.value);
        return { acquired: false, heldForMs: since === undefined ? undefined : now() - since };
      }
      const value = lockValue(randomUUID(), now());
      locks.set(key, { value, expiresAt: now() + ttlMs });
      const fencing = nextFencing(fences.get(key) ?? 0, nowMicros());
      fences.set(key, fencing);
      return { acquired: true, lease: { key, value, fencing } };
    },
    async extend(lease: LockLease, ttlMs) {
      const held = live(lease.key);
      if (held?.value !== lease.value) return false;
      held.expiresAt = now() + ttlMs;
      return true;
    },
    async release(lease: LockLease) {
      if (live(lease.key)?.value !== lease.value) return false;
      locks.delete(lease.key);
      return true;
    },
    async close() {
      locks.clear();
    },
  };
}
