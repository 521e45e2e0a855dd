// The scheduler and KV pool as plain objects: budgets, chunked prefill, preemption, prefix caching.
import assert from "node:assert/strict";
import { test } from "node:test";
import { EngineRequest, type FinishReason, type TokenOutput } from "./engine-request.js";
import { KvBlockPool } from "./kv-block-pool.js";
import { Scheduler, type SchedulerConfig } from "./scheduler.js";
import { StepPlan } from "./step-plan.js";

const config = (over: Partial<SchedulerConfig> = {}): SchedulerConfig => ({
  maxNumBatchedTokens: 64,
  maxNumSeqs: 8,
  blockSize: 4,
  policy: "fcfs",
  enablePrefixCaching: true,
  longPrefillTokenThreshold: 0,
  ...over,
});

const neverStops: TokenOutput = { sample: () => 7, accept: (): FinishReason | null => null };
const listener = { onProgress() {} };
let next = 0;
const req = (promptLen: number, priority = 0, first = 100) =>
  new EngineRequest(`r${next++}`, Array.from({ length: promptLen }, (_, i) => first + i), neverStops, listener, priority);

function harness(cfg: SchedulerConfig, blocks: number) {
  const events = { preemptions: 0, queried: 0, hits: 0 };
  const s = new Scheduler(cfg, new KvBlockPool(blocks), {
    onPreemption: () => events.preemptions++,
    onPrefixCacheQuery: (q, h) => {
      events.queried += q;
      events.hits += h;
    },
  });
  const plan = new StepPlan();
  /** Runs one step: schedule, then mark computed and sample where a request finished its tokens. */
  const step = (now = 0) => {
    s.schedule(now, plan);
    const scheduled = plan.requests.map((r, k) => [r.id, plan.numTokens[k]!] as const);
    plan.requests.forEach((r, k) => {
      s.markComputed(r, plan.numTokens[k]!);
      if (r.numComputed === r.tokens.length) r.tokens.push(r.output.sample());
    });
    return scheduled;
  };
  return { s, step, events };
}

test("chunked prefill splits a long prompt over the token budget; running requests come first", () => {
  const { s, step } = harness(config(), 1000);
  const a = req(100);
  const b = req(10, 0, 900);
  s.add(a);
  s.add(b);
  assert.deepEqual(step(), [[a.id, 64]]);
  // a's remaining 36 tokens first, then b's whole prompt within the 64-token budget.
  assert.deepEqual(step(), [[a.id, 36], [b.id, 10]]);
  assert.deepEqual(step(), [[a.id, 1], [b.id, 1]]);
});

test("max_num_seqs caps the running batch", () => {
  const { s, step } = harness(config({ maxNumSeqs: 2 }), 1000);
  for (let i = 0; i < 3; i++) s.add(req(4));
  assert.equal(step().length, 2);
  assert.equal(s.waiting.length, 1);
});

test("requests that arrive after the step starts wait for the next one", () => {
  const { s, step } = harness(config(), 1000);
  const late = req(4);
  late.arrivalMs = 5;
  s.add(late);
  assert.deepEqual(step(0), []);
  assert.equal(step(5).length, 1);
});

test("when blocks run out the newest running request is preempted, counted and recomputed later", () => {
  // 6 blocks of 4 tokens; two requests of 8 prompt tokens need 2 blocks each, then grow.
  const { s, step, events } = harness(config({ enablePrefixCaching: false }), 6);
  const a = req(8);
  const b = req(8, 0, 500);
  s.add(a);
  s.add(b);
  step();
  for (let i = 0; i < 8 && events.preemptions === 0; i++) step();
  assert.equal(events.preemptions, 1);
  assert.equal(b.numPreemptions, 1);
  assert.equal(b.status, "waiting");
  assert.equal(b.numComputed, 0);
  assert.deepEqual(s.running, [a]);
  assert.ok(b.tokens.length > 8, "the recompute covers its generated tokens too");
});

test("the priority policy admits lower values first and preempts the highest value", () => {
  const { s, step, events } = harness(config({ policy: "priority", enablePrefixCaching: false, maxNumBatchedTokens: 8 }), 5);
  const low = req(8, 5);
  const high = req(8, 0, 300);
  s.add(low);
  s.add(high);
  assert.deepEqual(step(), [[high.id, 8]]);
  assert.deepEqual(step(), [[high.id, 1], [low.id, 7]]);
  // Blocks are short now: the lowest-priority request (priority 5) goes, even though it is not last in order.
  for (let i = 0; i < 6 && events.preemptions === 0; i++) step();
  assert.equal(low.numPreemptions, 1);
  assert.equal(high.numPreemptions, 0);
});

test("prefix caching reuses full blocks of an earlier prompt, never the last token", () => {
  const { s, step, events } = harness(config(), 100);
  const a = req(10);
  s.add(a);
  step();
  const b = req(10); // the same 10 tokens
  s.add(b);
  step();
  assert.equal(b.numCachedPromptTokens, 8);
  assert.equal(events.hits, 8);
  assert.equal(events.queried, 20);
  assert.deepEqual(b.blocks.slice(0, 2), a.blocks.slice(0, 2));
});

test("a prompt scheduled in the same step as another over the same prefix hits the blocks that step computes", () => {
  const { s, step, events } = harness(config(), 100);
  const a = req(10);
  const b = req(10);
  s.add(a);
  s.add(b);
  assert.deepEqual(step(), [[a.id, 10], [b.id, 2]]);
  assert.equal(a.numCachedPromptTokens, 0);
  assert.equal(b.numCachedPromptTokens, 8);
  assert.equal(events.hits, 8);
  assert.deepEqual(b.blocks.slice(0, 2), a.blocks.slice(0, 2));
});

test("freed blocks stay cached until evicted, least recently freed first", () => {
  const pool = new KvBlockPool(3);
  const x = pool.allocate();
  const y = pool.allocate();
  pool.commit(x, 111);
  pool.release(x);
  pool.release(y);
  assert.equal(pool.numFree, 3);
  assert.equal(pool.lookup(111), x);
  pool.touch(x);
  assert.equal(pool.numFree, 2);
  pool.release(x);
  // The never-used block goes first, then y, then x (freed last) and its cached content.
  pool.allocate();
  pool.allocate();
  assert.equal(pool.lookup(111), x);
  pool.allocate();
  assert.equal(pool.lookup(111), undefined);
  assert.equal(pool.usage, 1);
});
