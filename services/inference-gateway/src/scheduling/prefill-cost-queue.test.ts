import assert from "node:assert/strict";
import { test } from "node:test";
import { PrefillCostQueue } from "./prefill-cost-queue.js";
import type { PriorityClass } from "./priority-class.js";

function queue(options: Partial<ConstructorParameters<typeof PrefillCostQueue>[0]> = {}) {
  let now = 0;
  const q = new PrefillCostQueue<string>({ agingFactor: 2, agingFloorTokens: 1_000, deadlineSlackMs: 0, ...options }, () => now);
  return { q, advance: (ms: number) => (now += ms) };
}

function drain(q: PrefillCostQueue<string>): string[] {
  const order: string[] = [];
  for (let next = q.peek(); next; next = q.peek()) {
    q.take(next.entry);
    order.push(next.entry.item);
  }
  return order;
}

test("costs within one granularity unit go first come first served, larger units after", () => {
  const { q } = queue({ agingFactor: 100, costGranularityTokens: 512 });
  for (const [item, cost] of [["a-300", 300], ["b-260", 260], ["c-3000", 3_000], ["d-200", 200], ["e-2000", 2_000], ["f-511", 511]] as const) q.push({ item, priority: "standard", cost });
  assert.deepEqual(drain(q), ["a-300", "b-260", "d-200", "f-511", "e-2000", "c-3000"]);
});

test("higher classes go first, shortest prefill first within a class", () => {
  const { q } = queue({ agingFactor: 100 });
  const push = (item: string, priority: PriorityClass, cost: number) => q.push({ item, priority, cost });
  push("batch-small", "batch", 10);
  push("standard-large", "standard", 3_000);
  push("standard-small", "standard", 200);
  push("interactive-large", "interactive", 5_000);
  push("standard-mid", "standard", 900);
  assert.deepEqual(drain(q), ["interactive-large", "standard-small", "standard-mid", "standard-large", "batch-small"]);
});

test("equal costs keep arrival order", () => {
  const { q } = queue();
  for (const item of ["a", "b", "c"]) q.push({ item, priority: "standard", cost: 100 });
  assert.deepEqual(drain(q), ["a", "b", "c"]);
});

test("ageing: a large request is overtaken by at most K x max(work ahead, floor) tokens of newer work", () => {
  const { q } = queue({ agingFactor: 2, agingFloorTokens: 1_000 });
  q.push({ item: "large", priority: "standard", cost: 3_000 }); // arrives to an empty queue: due after 2,000 tokens
  const order: string[] = [];
  // Small requests keep arriving, one per dispatch: SJF alone would starve the large one forever.
  for (let i = 0; i < 50; i++) {
    q.push({ item: `small-${i}`, priority: "standard", cost: 300 });
    const next = q.peek()!;
    q.take(next.entry);
    order.push(next.entry.item);
    if (next.entry.item === "large") {
      assert.equal(next.reason, "aged");
      break;
    }
  }
  const overtaken = order.indexOf("large");
  assert.ok(overtaken > 0, "small requests go first while the bound allows");
  // 6 smalls = 1,800 tokens; a 7th would bring the dispatched work to 2,100 > 2,000.
  assert.equal(overtaken, 6);
});

test("ageing crosses classes, so a batch request is not starved by a stream of interactive ones", () => {
  const { q } = queue({ agingFactor: 1.5, agingFloorTokens: 500 });
  q.push({ item: "batch", priority: "batch", cost: 100 });
  let dispatchedBefore = 0;
  for (let i = 0; i < 100; i++) {
    q.push({ item: `i-${i}`, priority: "interactive", cost: 100 });
    const next = q.peek()!;
    q.take(next.entry);
    if (next.entry.item === "batch") break;
    dispatchedBefore += next.entry.cost;
  }
  assert.ok(dispatchedBefore <= 1.5 * 500, `overtaken by ${dispatchedBefore} tokens`);
  assert.ok(dispatchedBefore >= 500, "the interactive class still went first for a while");
});

test("a request that arrives behind a long queue is not due until newer work exceeds its bound", () => {
  const { q } = queue({ agingFactor: 2, agingFloorTokens: 0 });
  for (let i = 0; i < 10; i++) q.push({ item: `old-${i}`, priority: "batch", cost: 1_000 });
  const late = q.push({ item: "late-batch", priority: "batch", cost: 1_000 });
  assert.equal(late.workAhead, 10_000);
  assert.equal(late.dueAtWork, 20_000);
});

test("a TTFT deadline moves a request ahead when it nears", () => {
  const { q, advance } = queue({ agingFactor: 100, deadlineSlackMs: 50 });
  q.push({ item: "small", priority: "interactive", cost: 10 });
  q.push({ item: "deadline", priority: "batch", cost: 5_000, deadlineAt: 1_000, prefillMs: 100 });
  assert.equal(q.peek()!.entry.item, "small");
  advance(849);
  assert.equal(q.peek()!.entry.item, "small");
  advance(1);
  const next = q.peek()!;
  assert.equal(next.entry.item, "deadline");
  assert.equal(next.reason, "deadline");
});

test("removed requests are skipped and do not count as work", () => {
  const { q } = queue();
  const a = q.push({ item: "a", priority: "standard", cost: 10 });
  q.push({ item: "b", priority: "standard", cost: 20 });
  assert.equal(q.remove(a), true);
  assert.equal(q.remove(a), false);
  assert.equal(q.length, 1);
  assert.equal(q.tokens, 20);
  assert.deepEqual(drain(q), ["b"]);
  assert.equal(q.length, 0);
});

test("tokensAhead counts higher classes and the not-larger requests of the same class", () => {
  const { q } = queue();
  q.push({ item: "i", priority: "interactive", cost: 100 });
  q.push({ item: "s1", priority: "standard", cost: 50 });
  q.push({ item: "s2", priority: "standard", cost: 500 });
  q.push({ item: "b", priority: "batch", cost: 1_000 });
  assert.equal(q.tokensAhead("standard", 200), 150);
  assert.equal(q.tokensAhead("interactive", 1), 0);
  assert.equal(q.tokensAhead("batch", 10_000), 1_650);
});

test("with cost units, everything queued in a request's own unit is ahead of it (first come first served within a unit)", () => {
  const { q } = queue({ costGranularityTokens: 512 });
  q.push({ item: "a", priority: "standard", cost: 300 });
  q.push({ item: "b", priority: "standard", cost: 260 });
  q.push({ item: "c", priority: "standard", cost: 900 });
  assert.equal(q.countAhead("standard", 250), 2, "both 300 and 260 are in its unit and came first");
  assert.equal(q.tokensAhead("standard", 250), 560);
  assert.equal(q.countAhead("standard", 1_000), 3);
  assert.deepEqual(drain(q), ["a", "b", "c"], "the order the counts describe");
});

test("snapshot reports depth, tokens and the oldest arrival per class", () => {
  const { q, advance } = queue();
  q.push({ item: "a", priority: "batch", cost: 10 });
  advance(5);
  q.push({ item: "b", priority: "batch", cost: 1 });
  const batch = q.snapshot().find((s) => s.priority === "batch")!;
  assert.deepEqual(batch, { priority: "batch", depth: 2, queuedTokens: 11, oldestEnqueuedAt: 0 });
  assert.equal(q.snapshot().find((s) => s.priority === "interactive")!.depth, 0);
});

test("a batch burst reordered by size does not age ahead of interactive requests until the cross-class bound", () => {
  const { q } = queue({ agingFactor: 2, agingFloorTokens: 100, crossClassFactor: 4 });
  q.push({ item: "batch-large", priority: "batch", cost: 1_000 }); // due at 200 tokens, across classes at 800
  for (let i = 0; i < 20; i++) q.push({ item: `batch-small-${i}`, priority: "batch", cost: 100 });
  const order: string[] = [];
  for (let i = 0; i < 12; i++) {
    q.push({ item: `interactive-${i}`, priority: "interactive", cost: 100 });
    const next = q.peek()!;
    q.take(next.entry);
    order.push(next.entry.item);
  }
  // Interactive requests go first until 800 tokens of work overtook the old batch request.
  assert.deepEqual(order.slice(0, 8), Array.from({ length: 8 }, (_, i) => `interactive-${i}`));
  assert.equal(order[8], "batch-large");
});
