// The prefill-cost queue with fairness between tenants (virtual token counter within each class).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { PrefillCostQueue, type QueueOptions } from "./prefill-cost-queue.js";
import type { PriorityClass } from "./priority-class.js";

function fairQueue(weights: Record<string, number> = {}, options: Partial<QueueOptions> = {}) {
  let now = 0;
  const q = new PrefillCostQueue<string>(
    { agingFactor: 1_000, agingFloorTokens: 1_000_000, deadlineSlackMs: 0, fairness: { weightOf: (t) => weights[t] ?? 1 }, ...options },
    () => now,
  );
  return { q, advance: (ms: number) => (now += ms) };
}

/** Dispatches `n` (or all) requests, settling each at once to its charge; returns the items in order. */
function dispatch(q: PrefillCostQueue<string>, n = Infinity): string[] {
  const order: string[] = [];
  for (let next = q.peek(); next && order.length < n; next = q.peek()) {
    q.take(next.entry);
    order.push(next.entry.item);
  }
  return order;
}

const push = (q: PrefillCostQueue<string>, tenant: string, item: string, cost: number, serviceTokens = cost, priority: PriorityClass = "standard") =>
  q.push({ tenant, item, cost, serviceTokens, priority });

test("equal tenants alternate whatever their arrival order; on equal service the smaller backlog goes first", () => {
  const { q } = fairQueue();
  for (let i = 0; i < 6; i++) push(q, "a", `a${i}`, 100);
  for (let i = 0; i < 3; i++) push(q, "b", `b${i}`, 100);
  assert.deepEqual(dispatch(q), ["b0", "a0", "b1", "a1", "b2", "a2", "a3", "a4", "a5"]);
});

test("service counts tokens, not requests: a tenant of large requests gets fewer of them", () => {
  const { q } = fairQueue();
  for (let i = 0; i < 4; i++) push(q, "large", `L${i}`, 100, 900);
  for (let i = 0; i < 12; i++) push(q, "small", `s${i}`, 100, 300);
  // After L0 (900), small catches up with three of 300, and so on.
  assert.deepEqual(dispatch(q, 8), ["L0", "s0", "s1", "s2", "L1", "s3", "s4", "s5"]);
});

test("weights 3:1 give three times the tokens", () => {
  const { q } = fairQueue({ gold: 3, bronze: 1 });
  for (let i = 0; i < 40; i++) {
    push(q, "gold", `g${i}`, 100);
    push(q, "bronze", `b${i}`, 100);
  }
  const first = dispatch(q, 40);
  assert.equal(first.filter((i) => i.startsWith("g")).length, 30);
  assert.equal(first.filter((i) => i.startsWith("b")).length, 10);
});

test("work-conserving: a tenant alone gets everything, in the shortest-first order", () => {
  const { q } = fairQueue({ solo: 1 }, { costGranularityTokens: 1 });
  for (const [item, cost] of [["c", 3_000], ["a", 100], ["b", 900]] as const) push(q, "solo", item, cost);
  assert.deepEqual(dispatch(q), ["a", "b", "c"]);
});

test("a tenant back from idle banks no credit: it alternates with the busy one instead of bursting", () => {
  const { q } = fairQueue();
  for (let i = 0; i < 20; i++) push(q, "busy", `busy${i}`, 100);
  dispatch(q, 10); // 1,000 tokens of service while "idle" sent nothing
  for (let i = 0; i < 5; i++) push(q, "idle", `idle${i}`, 100);
  // Lifted to busy's counter: equal service, and on a tie the smaller backlog goes first.
  assert.deepEqual(dispatch(q, 6), ["idle0", "busy10", "idle1", "busy11", "idle2", "busy12"]);
});

test("settling refunds what was not served: a tenant whose answers ended early is served more", () => {
  const { q } = fairQueue();
  for (let i = 0; i < 6; i++) {
    push(q, "short", `s${i}`, 100, 600);
    push(q, "full", `f${i}`, 100, 600);
  }
  const order: string[] = [];
  for (let i = 0; i < 6; i++) {
    const next = q.peek()!;
    q.take(next.entry);
    // "short" asked for 500 output tokens and got 100: 200 served instead of 600.
    q.settle(next.entry, next.entry.tenant === "short" ? 200 : 600);
    order.push(next.entry.item);
  }
  // s0 (200 served) is behind f0 (600) until two more of its own: 200, 400, 600 against 600.
  assert.deepEqual(order, ["s0", "f0", "s1", "s2", "s3", "f1"]);
});

test("within a tenant, its own large request ages ahead of its small ones by its own work only", () => {
  const { q } = fairQueue({}, { agingFactor: 2, agingFloorTokens: 500, costGranularityTokens: 1 });
  push(q, "a", "a-large", 2_000); // due after 1,000 tokens of a's work
  for (let i = 0; i < 20; i++) {
    push(q, "a", `a${i}`, 200);
    push(q, "b", `b${i}`, 200);
  }
  const order = dispatch(q, 14);
  const aOrder = order.filter((i) => i.startsWith("a"));
  // Five of a's smalls (1,000 tokens); a sixth would pass the bound.
  assert.deepEqual(aOrder.slice(0, 6), ["a0", "a1", "a2", "a3", "a4", "a-large"]);
  assert.ok(order.filter((i) => i.startsWith("b")).length >= 6, `b kept its turns: ${order.join(" ")}`);
});

test("classes stay strict: the fair order applies within a class", () => {
  const { q } = fairQueue();
  push(q, "a", "a-batch", 100, 100, "batch");
  push(q, "b", "b-interactive", 100, 100_000, "interactive");
  push(q, "b", "b-interactive-2", 100, 100_000, "interactive");
  push(q, "a", "a-standard", 100, 100, "standard");
  assert.deepEqual(dispatch(q), ["b-interactive", "b-interactive-2", "a-standard", "a-batch"]);
});

test("the cross-class ageing bound still holds with tenants", () => {
  const { q } = fairQueue({}, { agingFactor: 2, agingFloorTokens: 100, crossClassFactor: 4 });
  push(q, "a", "batch", 1_000, 1_000, "batch"); // due ahead of higher classes after 800 tokens of any work
  const order: string[] = [];
  for (let i = 0; i < 12; i++) {
    push(q, i % 2 ? "b" : "c", `interactive-${i}`, 100, 100, "interactive");
    order.push(...dispatch(q, 1));
  }
  assert.equal(order.indexOf("batch"), 8);
});

test("a deadline jumps other tenants only while its tenant is within its fair share", () => {
  const { q, advance } = fairQueue();
  for (let i = 0; i < 4; i++) push(q, "b", `b${i}`, 100, 1_000);
  push(q, "a", "a0", 100, 1_000);
  assert.deepEqual(dispatch(q, 1), ["a0"]); // ties go to the smaller backlog
  q.push({ tenant: "a", item: "a-urgent", cost: 100, serviceTokens: 1_000, priority: "standard", deadlineAt: 10 });
  advance(20);
  // a is one request ahead (1,000 = this request's service): within its share, so the deadline goes first.
  assert.deepEqual(dispatch(q, 1), ["a-urgent"]);
  q.push({ tenant: "a", item: "a-urgent-2", cost: 100, serviceTokens: 1_000, priority: "standard", deadlineAt: 10 });
  // Now two ahead: b gets its turn first; once a is within one request of b again, the deadline goes.
  assert.deepEqual(dispatch(q, 3), ["b0", "a-urgent-2", "b1"]);
});

test("tokensAhead: the other tenants of the class count by their weights, at most what they queue", () => {
  const { q } = fairQueue({ a: 1, b: 1, c: 2 });
  for (let i = 0; i < 50; i++) push(q, "flood", `f${i}`, 1_000);
  push(q, "a", "a0", 300);
  push(q, "c", "c0", 100);
  q.push({ tenant: "x", item: "higher", cost: 700, priority: "interactive" });
  // b's new 200-token request: a's 300 ahead at most 200 (equal weight), c's 100 (all it has), the
  // flood's 200, plus the interactive class's 700.
  assert.equal(q.tokensAhead("standard", 200, "b"), 700 + 200 + 100 + 200);
});

test("a tenant's share of the queue's capacity is by weight among the tenants queued", () => {
  const { q } = fairQueue({ gold: 3 });
  for (let i = 0; i < 5; i++) push(q, "flood", `f${i}`, 100);
  assert.deepEqual(q.tenantQueueShare("gold", 100), { queued: 0, share: 75 });
  assert.deepEqual(q.tenantQueueShare("flood", 100), { queued: 5, share: 100 });
  push(q, "other", "o", 100, 100, "batch");
  assert.deepEqual(q.tenantQueueShare("flood", 90), { queued: 5, share: 45 });
});

test("passing over a tenant gives the best request of the others, in their own order, across classes too", () => {
  const { q, advance } = fairQueue();
  push(q, "a", "a-interactive", 100, 100, "interactive");
  push(q, "b", "b-large", 300, 300);
  push(q, "b", "b-small", 100, 100);
  push(q, "c", "c-batch", 100, 100, "batch");
  q.push({ tenant: "a", item: "a-urgent", cost: 100, serviceTokens: 100, priority: "batch", deadlineAt: 0 });
  advance(1);
  assert.equal(q.peek()?.entry.item, "a-urgent", "a's deadline first");
  const passOver = new Set(["a"]);
  assert.equal(q.peek(passOver)?.entry.item, "b-small", "a's deadline and its class are passed over; b's shortest first");
  passOver.add("b");
  assert.equal(q.peek(passOver)?.entry.item, "c-batch");
  passOver.add("c");
  assert.equal(q.peek(passOver), undefined, "nobody else has work");
  assert.equal(q.length, 5, "peeking takes nothing");
});

test("without fairness, tenants do not change the order", () => {
  let now = 0;
  const q = new PrefillCostQueue<string>({ agingFactor: 1_000, agingFloorTokens: 1_000_000, deadlineSlackMs: 0 }, () => now);
  for (let i = 0; i < 4; i++) push(q, "a", `a${i}`, 100);
  push(q, "b", "b0", 100);
  assert.equal(q.tokensAhead("standard", 100, "b"), 500);
  now++;
  assert.deepEqual(dispatch(q), ["a0", "a1", "a2", "a3", "b0"]);
});

// The fairness guarantee, as a property: over any arrival sequence, while all tenants stay backlogged,
// the weighted service (prefill plus output tokens actually served, divided by the weight) of any
// two tenants differs by at most one request's maximum (prefill plus max output tokens, weighted).
test("property: backlogged tenants' weighted service never differs by more than one request's maximum tokens", () => {
  const request = fc.record({ prompt: fc.integer({ min: 1, max: 4_000 }), maxTokens: fc.integer({ min: 1, max: 2_000 }), outputShare: fc.double({ min: 0, max: 1, noNaN: true }) });
  const tenant = fc.record({ weight: fc.integer({ min: 1, max: 5 }), backlog: fc.array(request, { minLength: 1, maxLength: 40 }) });
  let checks = 0;
  fc.assert(
    fc.property(
      fc.array(tenant, { minLength: 2, maxLength: 5 }),
      fc.array(fc.record({ tenant: fc.nat(), request, dispatches: fc.nat({ max: 3 }) }), { maxLength: 200 }),
      fc.integer({ min: 1, max: 1_024 }),
      (tenants, arrivals, granularity) => {
        const names = tenants.map((_, i) => `t${i}`);
        const weightOf = (t: string) => tenants[Number(t.slice(1))]!.weight;
        const q = new PrefillCostQueue<{ actual: number }>({ agingFactor: 2, agingFloorTokens: 2_000, deadlineSlackMs: 0, costGranularityTokens: granularity, fairness: { weightOf } }, () => 0);
        const served = new Map(names.map((t) => [t, 0]));
        let largest = 0;
        const add = (name: string, r: { prompt: number; maxTokens: number; outputShare: number }) => {
          largest = Math.max(largest, (r.prompt + r.maxTokens) / weightOf(name));
          q.push({ tenant: name, priority: "standard", cost: r.prompt, serviceTokens: r.prompt + r.maxTokens, item: { actual: r.prompt + Math.round(r.outputShare * r.maxTokens) } });
        };
        // Every tenant is backlogged from the start; more arrive between dispatches.
        tenants.forEach((t, i) => t.backlog.forEach((r) => add(names[i]!, r)));
        for (const a of [...arrivals, { tenant: 0, request: undefined, dispatches: Infinity }]) {
          if (a.request) add(names[a.tenant % names.length]!, a.request);
          for (let d = 0; d < a.dispatches; d++) {
            const next = q.peek();
            if (!next) return;
            q.take(next.entry);
            q.settle(next.entry, next.entry.item.actual);
            served.set(next.entry.tenant, served.get(next.entry.tenant)! + next.entry.item.actual);
            // The guarantee holds while every tenant is backlogged.
            if (names.some((t) => q.queuedOf(t) === 0)) return;
            const weighted = names.map((t) => served.get(t)! / weightOf(t));
            const spread = Math.max(...weighted) - Math.min(...weighted);
            checks++;
            if (spread > largest + 1e-6) throw new Error(`weighted service spread ${spread} > one request's maximum ${largest}`);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
  assert.ok(checks > 300 * 5, `the property was checked at ${checks} dispatches`);
});
