import assert from "node:assert/strict";
import { test } from "node:test";
import { MicroBatcher } from "./micro-batcher.js";
import { SharedExecutions } from "./shared-executions.js";

async function collect<E>(events: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const e of events) out.push(e);
  return out;
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

test("identical concurrent requests run once and every caller gets every event", async () => {
  const shared = new SharedExecutions<string>();
  let starts = 0;
  const g = gate();
  const start = async function* () {
    starts++;
    yield "a";
    await g.opened;
    yield "b";
  };
  const first = shared.subscribe("k", start, new AbortController().signal);
  const firstEvents = collect(first.events);
  await new Promise((r) => setImmediate(r));
  const second = shared.subscribe("k", start, new AbortController().signal);
  g.open();
  assert.deepEqual(await firstEvents, ["a", "b"]);
  assert.deepEqual(await collect(second.events), ["a", "b"]);
  assert.equal(starts, 1);
  assert.deepEqual([first.coalesced, second.coalesced], [false, true]);
  assert.equal(shared.size, 0, "finished executions without retention are forgotten");
});

test("the execution is aborted only when every caller has left", async () => {
  const shared = new SharedExecutions<string>();
  let aborted = false;
  const start = async function* (signal: AbortSignal) {
    yield "first";
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
    aborted = true;
  };
  const a = new AbortController();
  const b = new AbortController();
  const one = collect(shared.subscribe("k", start, a.signal).events).catch((e: unknown) => e);
  const two = collect(shared.subscribe("k", start, b.signal).events).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 5));
  a.abort(new Error("first left"));
  assert.equal(((await one) as Error).message, "first left");
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(aborted, false);
  b.abort(new Error("second left"));
  await two;
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(aborted, true);
});

test("a failure reaches every caller and is not retained", async () => {
  const now = 0;
  const shared = new SharedExecutions<string>(() => now);
  let starts = 0;
  const failing = async function* () {
    starts++;
    yield "x";
    throw new Error("backend down");
  };
  await assert.rejects(collect(shared.subscribe("k", failing, new AbortController().signal, 60_000).events), /backend down/);
  await assert.rejects(collect(shared.subscribe("k", failing, new AbortController().signal, 60_000).events), /backend down/);
  assert.equal(starts, 2);
});

test("a retained result answers its key until the window ends", async () => {
  let now = 0;
  const shared = new SharedExecutions<number>(() => now);
  let starts = 0;
  const start = async function* () {
    yield ++starts;
  };
  assert.deepEqual(await collect(shared.subscribe("k", start, new AbortController().signal, 1_000).events), [1]);
  now = 999;
  const again = shared.subscribe("k", start, new AbortController().signal, 1_000);
  assert.equal(again.coalesced, true);
  assert.deepEqual(await collect(again.events), [1]);
  now = 1_000;
  assert.deepEqual(await collect(shared.subscribe("k", start, new AbortController().signal, 1_000).events), [2]);
});

test("concurrent submissions share backend calls of bounded size", async () => {
  const calls: number[][] = [];
  const batcher = new MicroBatcher<number, number>({
    maxBatchSize: 8,
    maxWaitMs: 5,
    async execute(items) {
      calls.push(items);
      return items.map((x) => x * 10);
    },
  });
  const signal = new AbortController().signal;
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => batcher.submit([i], signal)));
  assert.deepEqual(results.map((r) => r.results[0]), Array.from({ length: 20 }, (_, i) => i * 10));
  assert.deepEqual(calls.map((c) => c.length), [8, 8, 4]);
  assert.equal(results[0]!.batchedWith, 8);
  assert.equal(results[19]!.batchedWith, 4);
});

test("a submission that finds the backend idle goes without waiting out the window", async () => {
  const calls: number[][] = [];
  // A window longer than the test's timeout: only a submission that does not wait for it can finish.
  const batcher = new MicroBatcher<number, number>({ maxBatchSize: 8, maxWaitMs: 3_600_000, execute: async (items) => (calls.push(items), items) });
  const signal = new AbortController().signal;
  const together = await Promise.all([batcher.submit([1], signal), batcher.submit([2], signal)]);
  assert.deepEqual(calls, [[1, 2]], "submissions of one turn still share the call");
  assert.equal(together[0].batchedWith, 2);
  assert.deepEqual((await batcher.submit([3], signal)).results, [3]);
});

test("while a backend call is in flight, later submissions wait for company and share the next call", async () => {
  const calls: number[][] = [];
  let release!: () => void;
  const firstCallHeld = new Promise<void>((resolve) => (release = resolve));
  const batcher = new MicroBatcher<number, number>({
    maxBatchSize: 8,
    maxWaitMs: 5,
    async execute(items) {
      calls.push(items);
      if (calls.length === 1) await firstCallHeld;
      return items;
    },
  });
  const signal = new AbortController().signal;
  const first = batcher.submit([1], signal);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(calls, [[1]], "the idle backend got the first at once");
  const second = batcher.submit([2], signal);
  await new Promise((resolve) => setImmediate(resolve));
  const third = batcher.submit([3], signal);
  await Promise.all([second, third]);
  release();
  await first;
  assert.deepEqual(calls, [[1], [2, 3]], "submitted a turn apart, they waited for each other while the first call ran");
});

test("a large submission is split and reassembled in order", async () => {
  const batcher = new MicroBatcher<number, number>({ maxBatchSize: 3, maxWaitMs: 1, execute: async (items) => items.map((x) => -x) });
  const { results } = await batcher.submit([1, 2, 3, 4, 5, 6, 7], new AbortController().signal);
  assert.deepEqual(results, [-1, -2, -3, -4, -5, -6, -7]);
  assert.equal(batcher.batchCount, 3);
});

test("a caller that leaves before the flush is dropped from the batch", async () => {
  const calls: string[][] = [];
  const batcher = new MicroBatcher<string, string>({
    maxBatchSize: 10,
    maxWaitMs: 20,
    async execute(items) {
      calls.push(items);
      return items;
    },
  });
  const leaving = new AbortController();
  const left = batcher.submit(["gone"], leaving.signal);
  const stays = batcher.submit(["stays"], new AbortController().signal);
  leaving.abort(new Error("cancelled"));
  await assert.rejects(left, /cancelled/);
  assert.deepEqual((await stays).results, ["stays"]);
  assert.deepEqual(calls, [["stays"]]);
});

test("a backend failure rejects every caller of the batch", async () => {
  const batcher = new MicroBatcher<number, number>({
    maxBatchSize: 10,
    maxWaitMs: 1,
    execute: () => Promise.reject(new Error("503")),
  });
  const signal = new AbortController().signal;
  const outcomes = await Promise.allSettled([batcher.submit([1], signal), batcher.submit([2], signal)]);
  assert.deepEqual(outcomes.map((o) => o.status), ["rejected", "rejected"]);
});
