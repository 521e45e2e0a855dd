import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "@reviewlens/runtime";
import { FailoverBudgetStore, type RedisDownPolicy } from "./budget-failover.js";
import { BudgetStoreUnreachable, type BudgetStore } from "./budget-store.js";
import { LocalBudgetTable } from "./local-budget-table.js";

/** A primary that is up or down as the test says, keeping its own table while up. */
function primary() {
  const table = new LocalBudgetTable({ windowMs: 60_000, inFlightRetryMs: 1_000, leaseMs: 600_000 });
  const state = { up: true, settled: [] as string[] };
  const guard = () => {
    if (!state.up) throw new BudgetStoreUnreachable(new Error("connect ECONNREFUSED"));
  };
  const store: BudgetStore = {
    description: "redis at redis://test",
    reserve: async (...a) => (guard(), table.reserve(...a)),
    settle: async (t, id, n) => (guard(), state.settled.push(id), table.settle(t, id, n)),
    usage: async (t) => (guard(), table.usage(t)),
    close: async () => {},
  };
  return { store, state };
}

const failover = (policy: RedisDownPolicy) => {
  const p = primary();
  const local = new LocalBudgetTable({ windowMs: 60_000, inFlightRetryMs: 1_000, leaseMs: 600_000 });
  return { ...p, local, store: new FailoverBudgetStore(p.store, local, policy, createLogger("test", "silent")) };
};

const limits = { tokensPerWindow: 1_000 };

test("refuse: while the primary is down, reservations fail; they go through it again once it is back", async () => {
  const f = failover("refuse");
  assert.equal((await f.store.reserve("a", "r1", 100, limits)).admitted, true);
  f.state.up = false;
  await assert.rejects(f.store.reserve("a", "r2", 100, limits), BudgetStoreUnreachable);
  assert.match(f.store.description, /unreachable: budgeted requests refused/);
  f.state.up = true;
  assert.equal((await f.store.reserve("a", "r3", 100, limits)).admitted, true);
  assert.deepEqual(await f.store.usage("a"), { tokensUsed: 200, inFlight: 2 });
});

test("local: while the primary is down this replica's table holds the budget, and settles go where the reservation was made", async () => {
  const f = failover("local");
  await f.store.reserve("a", "before", 600, limits);
  f.state.up = false;
  assert.equal((await f.store.reserve("a", "during-1", 600, limits)).admitted, true, "the local table starts empty");
  assert.equal((await f.store.reserve("a", "during-2", 600, limits)).admitted, false, "and holds the same limit");
  assert.match(f.store.description, /unreachable: budgets held by this replica's in-process table/);
  await f.store.settle("a", "during-1", 100);
  assert.deepEqual(await f.local.usage("a"), { tokensUsed: 100, inFlight: 0 });
  await f.store.settle("a", "before", 100); // made in the primary, which is down: its estimate stands
  f.state.up = true;
  assert.deepEqual(await f.store.usage("a"), { tokensUsed: 600, inFlight: 1 });
  await f.store.settle("a", "before", 100);
  assert.deepEqual(f.state.settled, ["before"]);
});
