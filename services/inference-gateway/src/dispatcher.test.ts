import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "@reviewlens/testkit";
import { testPool } from "../test/test-pool.js";
import { Dispatcher, type Dispatch, type Waiter } from "./dispatcher.js";
import { BackendRouter } from "./routing/backend-router.js";
import { FairHeadroom } from "./scheduling/fair-headroom.js";
import { LatencySensitiveArrivals } from "./scheduling/latency-sensitive-arrivals.js";
import { PrefillCostQueue } from "./scheduling/prefill-cost-queue.js";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test("a request waiting for room goes when the pool announces room, without anyone scheduling the dispatcher", async () => {
  const pool = testPool(() => true, 1);
  const queue = new PrefillCostQueue<Waiter>({ agingFactor: 2, agingFloorTokens: 65_536, crossClassFactor: 4, deadlineSlackMs: 0, costGranularityTokens: 1 });
  const dispatcher = new Dispatcher(queue, pool, new BackendRouter({ policy: "least-loaded", affinityMargin: 0, maxEntries: 10 }), {
    batchWindowMs: 0,
    latencySensitive: new LatencySensitiveArrivals({ windowMs: 0, shortPromptTokens: 0, backendOrdersClasses: false }),
  });
  const ticket = { priority: "standard" as const, cost: 100, prefixBlockTokens: 16, prefillMs: 0, prefixKeys: [] };
  const signal = new AbortController().signal;

  // Queued before any backend is healthy: the probe that finds one sends it.
  const first = dispatcher.wait(ticket, signal);
  await nextTurn();
  assert.equal(queue.length, 1);
  const backend = pool.add("http://replica-a");
  const { backend: firstOn } = await first;
  assert.equal(firstOn, backend);

  // The backend's one slot is taken: the second waits until the first finishes.
  let second: Dispatch | undefined;
  void dispatcher.wait(ticket, signal).then((d) => (second = d));
  await nextTurn();
  await nextTurn();
  assert.equal(queue.length, 1, "no room yet");
  assert.equal(second, undefined);
  pool.finished(backend, 100, false);
  await waitFor(() => second, "the second dispatch after the first finished");
  assert.equal(queue.length, 0);
  pool.stop();
});

/**
 * One replica of four slots, fair queueing with `headroomSeqs` of headroom: b was active a moment
 * ago (its request just ended), so the flood must leave the headroom for it; then a sends six.
 */
async function floodBesideHeadroom(headroomSeqs: number, aDispatches: number) {
  const pool = testPool(() => true, 4);
  const queue = new PrefillCostQueue<Waiter>({ agingFactor: 2, agingFloorTokens: 65_536, deadlineSlackMs: 0, fairness: { weightOf: () => 1 } });
  const dispatcher = new Dispatcher(queue, pool, new BackendRouter({ policy: "least-loaded", affinityMargin: 0, maxEntries: 10 }), {
    batchWindowMs: 0,
    latencySensitive: new LatencySensitiveArrivals({ windowMs: 0, shortPromptTokens: 0, backendOrdersClasses: false }),
    headroom: new FairHeadroom({ seqs: headroomSeqs, activeWindowMs: 60_000, weightOf: () => 1 }),
  });
  pool.add("http://replica-a");
  await waitFor(() => pool.anyHealthy || undefined, "the replica healthy");
  const signal = new AbortController().signal;
  const ticket = (tenant: string) => ({ priority: "standard" as const, cost: 10, prefixBlockTokens: 16, prefillMs: 0, prefixKeys: [], tenant, serviceTokens: 100 });
  const dispatched: string[] = [];
  const send = (tenant: string) => void dispatcher.wait(ticket(tenant), signal).then(() => dispatched.push(tenant));
  const first = await dispatcher.wait(ticket("b"), signal);
  pool.finished(first.backend, 10, false);
  first.settle(100);
  for (let i = 0; i < 6; i++) send("a");
  await waitFor(() => dispatched.length === aDispatches || undefined, "a's dispatches");
  for (let i = 0; i < 5; i++) await nextTurn();
  return { pool, queue, dispatched, send };
}

test("fair headroom: a flooding tenant leaves the last slot free, and the other tenant's request takes it at once", async () => {
  const { pool, queue, dispatched, send } = await floodBesideHeadroom(1, 3);
  assert.deepEqual(dispatched, ["a", "a", "a"], "a took three of the four slots");
  send("b");
  await waitFor(() => dispatched.includes("b") || undefined, "b dispatched to the kept slot");
  assert.equal(queue.length, 3, "a's other three still wait");
  pool.stop();
});

test("fair headroom: a flooding tenant ranked first by its counter does not hold the other tenant's request back from the kept slots", async () => {
  const { pool, queue, dispatched, send } = await floodBesideHeadroom(2, 2);
  assert.deepEqual(dispatched, ["a", "a"], "a holds its half; the other two slots are kept");
  send("b");
  await waitFor(() => dispatched.length === 3 || undefined, "b's first request");
  assert.equal(queue.peek()?.entry.tenant, "a", "b's counter is now above a's: a's request is first in the fair order");
  send("b");
  await waitFor(() => dispatched.length === 4 || undefined, "b's second request to the last kept slot");
  assert.deepEqual(dispatched, ["a", "a", "b", "b"]);
  assert.equal(queue.length, 4, "a's other four still wait");
  pool.stop();
});
