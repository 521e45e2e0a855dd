// The semantics both lock backends share (Redis and the in-process table).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { waitFor } from "@reviewlens/testkit";
import type { LockBackend } from "../src/index.js";

export function lockContract(name: string, make: () => LockBackend): void {
  const key = () => `test-${randomBytes(4).toString("hex")}:lock:r1:sentiment`;

  test(`${name}: one holder at a time; a refused caller learns how long it has been held`, async () => {
    const lock = make();
    try {
      const k = key();
      const first = await lock.acquire(k, 10_000);
      assert.ok(first.acquired);
      await new Promise((r) => setTimeout(r, 30));
      const second = await lock.acquire(k, 10_000);
      assert.equal(second.acquired, false);
      assert.ok(!second.acquired && second.heldForMs !== undefined && second.heldForMs >= 25 && second.heldForMs < 5_000);
    } finally {
      await lock.close();
    }
  });

  test(`${name}: only the owner releases; fencing numbers increase with each acquisition`, async () => {
    const lock = make();
    try {
      const k = key();
      const a = await lock.acquire(k, 10_000);
      assert.ok(a.acquired);
      assert.equal(await lock.release({ ...a.lease, value: "someone-else:1" }), false);
      assert.equal((await lock.acquire(k, 10_000)).acquired, false, "a foreign release did not free it");
      assert.equal(await lock.release(a.lease), true);
      assert.equal(await lock.release(a.lease), false, "released once");
      const b = await lock.acquire(k, 10_000);
      assert.ok(b.acquired);
      assert.ok(b.lease.fencing > a.lease.fencing);
      assert.notEqual(b.lease.value, a.lease.value);
    } finally {
      await lock.close();
    }
  });

  test(`${name}: an unextended lock expires after its TTL; an extended one does not`, async () => {
    const lock = make();
    try {
      const k = key();
      const kept = key();
      const a = await lock.acquire(k, 600);
      const b = await lock.acquire(kept, 600);
      assert.ok(a.acquired && b.acquired);
      const extender = setInterval(() => void lock.extend(b.lease, 600), 100);
      try {
        const next = await waitFor(async () => {
          const r = await lock.acquire(k, 10_000);
          return r.acquired ? r : undefined;
        }, "the expired lock to be free", 5_000, 20);
        assert.ok(next.lease.fencing > a.lease.fencing);
        assert.equal((await lock.acquire(kept, 10_000)).acquired, false, "the extended lock is still held");
        assert.equal(await lock.extend(a.lease, 10_000), false, "the old holder cannot extend a lock taken over");
        assert.equal(await lock.release(a.lease), false, "nor release it");
      } finally {
        clearInterval(extender);
      }
    } finally {
      await lock.close();
    }
  });
}
