// What every budget store must do (the in-process table and Redis): the same suite against each.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import type { BudgetStore } from "../src/tenancy/budget-store.js";

/** `open(windowMs)` gives a store (or several sharing one budget) with that window. */
export type OpenStores = (windowMs: number, count: number) => Promise<BudgetStore[]>;

const tenant = () => `t-${randomUUID().slice(0, 8)}`;

export function budgetStoreContract(open: OpenStores): void {
  test("reservations are admitted while they fit; the refusal says why and when the window has room", async () => {
    const [store] = await open(60_000, 1);
    const t = tenant();
    try {
      const limits = { tokensPerWindow: 1_000 };
      const admitted = [];
      for (let i = 0; i < 5; i++) admitted.push((await store!.reserve(t, `r${i}`, 300, limits)).admitted);
      assert.deepEqual(admitted, [true, true, true, false, false]);
      const refused = await store!.reserve(t, "r9", 300, limits);
      assert.ok(!refused.admitted && refused.reason === "tokens");
      assert.ok(!refused.admitted && refused.retryAfterMs > 0 && refused.retryAfterMs <= 60_000, `retry after ${!refused.admitted && refused.retryAfterMs}`);
      assert.deepEqual(await store!.usage(t), { tokensUsed: 900, inFlight: 3 });
      const tooLarge = await store!.reserve(t, "huge", 1_001, limits);
      assert.ok(!tooLarge.admitted && tooLarge.reason === "too-large");
    } finally {
      await store!.close();
    }
  });

  test("settling to the usage frees what the estimate held, and the in-flight slot", async () => {
    const [store] = await open(60_000, 1);
    const t = tenant();
    try {
      const limits = { tokensPerWindow: 1_000, maxInFlight: 2 };
      await store!.reserve(t, "a", 600, limits);
      await store!.reserve(t, "b", 300, limits);
      const third = await store!.reserve(t, "c", 50, limits);
      assert.ok(!third.admitted && third.reason === "in-flight");
      await store!.settle(t, "a", 200);
      assert.deepEqual(await store!.usage(t), { tokensUsed: 500, inFlight: 1 });
      assert.equal((await store!.reserve(t, "c", 500, limits)).admitted, true);
      await store!.settle(t, "b", 700); // more than estimated: it counts in full
      assert.deepEqual(await store!.usage(t), { tokensUsed: 1_400, inFlight: 1 });
      assert.equal((await store!.reserve(t, "d", 1, limits)).admitted, false);
    } finally {
      await store!.close();
    }
  });

  test("concurrent reservations through every store never admit more than the budget", async () => {
    const stores = await open(60_000, 3);
    const t = tenant();
    try {
      const limits = { tokensPerWindow: 10_000 };
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => stores[i % stores.length]!.reserve(t, `r${i}`, 70, limits)));
      const admitted = results.filter((r) => r.admitted).length;
      assert.equal(admitted, Math.floor(10_000 / 70));
      assert.deepEqual(await stores[0]!.usage(t), { tokensUsed: admitted * 70, inFlight: admitted });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test("a request retried after the hinted delay is admitted (the window moved on)", async () => {
    const [store] = await open(400, 1);
    const t = tenant();
    try {
      const limits = { tokensPerWindow: 100 };
      assert.equal((await store!.reserve(t, "a", 100, limits)).admitted, true);
      await store!.settle(t, "a", 100);
      const refused = await store!.reserve(t, "b", 100, limits);
      assert.ok(!refused.admitted);
      await sleep(refused.retryAfterMs + 5);
      assert.equal((await store!.reserve(t, "b", 100, limits)).admitted, true);
    } finally {
      await store!.close();
    }
  });
}
