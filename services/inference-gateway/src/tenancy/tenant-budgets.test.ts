import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger, Status, statusOf } from "@reviewlens/runtime";
import { BudgetStoreUnreachable, type BudgetStore } from "./budget-store.js";
import { LocalBudgetTable } from "./local-budget-table.js";
import { TenantBudgets } from "./tenant-budgets.js";
import { TenantDirectory } from "./tenant-directory.js";

const directory = TenantDirectory.fromConfig({
  GATEWAY_TENANTS: JSON.stringify({ tenants: { limited: { tokensPerMinute: 6_000, maxInFlight: 2 }, free: {} } }),
});

function budgets(store: BudgetStore = new LocalBudgetTable({ windowMs: 60_000, inFlightRetryMs: 1_000, leaseMs: 600_000 })) {
  const refusals: string[] = [];
  return { refusals, budgets: new TenantBudgets(directory, store, 60_000, createLogger("test", "silent"), (t, r) => refusals.push(`${t} ${r}`)) };
}

test("over budget is RESOURCE_EXHAUSTED with the time until the window has room as the retry hint", async () => {
  let now = 1_000_000;
  const { budgets: b, refusals } = budgets(new LocalBudgetTable({ windowMs: 60_000, inFlightRetryMs: 1_000, leaseMs: 600_000, clock: () => now }));
  const first = await b.reserve("limited", "r1", 5_000);
  now += 1_500;
  await assert.rejects(b.reserve("limited", "r2", 2_000), (error: unknown) => {
    const mapped = statusOf(error);
    assert.equal(mapped?.status, Status.RESOURCE_EXHAUSTED);
    // The first reservation leaves the 60 s window 60 s after it was made, 1.5 s ago.
    assert.equal(mapped.retryAfterMs, 58_500);
    assert.match(mapped.message, /tenant limited is over its token budget \(5000 of 6000 tokens in the last 60 s\)/);
    return true;
  });
  first.settle(1_000);
  await new Promise((r) => setImmediate(r));
  await b.reserve("limited", "r2", 2_000);
  assert.deepEqual(refusals, ["limited tokens"]);
});

test("the in-flight limit, a request larger than the whole budget, and tenants without a budget", async () => {
  const { budgets: b, refusals } = budgets();
  await b.reserve("limited", "r1", 10);
  await b.reserve("limited", "r2", 10);
  await assert.rejects(b.reserve("limited", "r3", 10), (error: unknown) => statusOf(error)?.status === Status.RESOURCE_EXHAUSTED && /2 requests in flight/.test(String(error)));
  await assert.rejects(b.reserve("limited", "big", 6_001), (error: unknown) => statusOf(error)?.status === Status.INVALID_ARGUMENT && /lower max_tokens/.test(String(error)));
  for (let i = 0; i < 100; i++) await b.reserve("free", `f${i}`, 1_000_000);
  assert.deepEqual(refusals, ["limited in_flight", "limited too_large"]);
});

test("an unreachable store (refuse) is UNAVAILABLE with a retry hint, counted as budget_store_down", async () => {
  const down: BudgetStore = {
    description: "down",
    reserve: async () => {
      throw new BudgetStoreUnreachable(new Error("ECONNREFUSED"));
    },
    settle: async () => {},
    usage: async () => ({ tokensUsed: 0, inFlight: 0 }),
    close: async () => {},
  };
  const { budgets: b, refusals } = budgets(down);
  await assert.rejects(b.reserve("limited", "r1", 10), (error: unknown) => statusOf(error)?.status === Status.UNAVAILABLE && statusOf(error)?.retryAfterMs === 1_000);
  await b.reserve("free", "r2", 10);
  assert.deepEqual(refusals, ["limited budget_store_down"]);
});
