import assert from "node:assert/strict";
import { test } from "node:test";
import { QueueWaitModel } from "./queue-wait-model.js";

test("the queue's pace is learnt from the requests that waited, and scales with the requests ahead", () => {
  const model = new QueueWaitModel(64, 4);
  assert.equal(model.waitMs(10, 16), undefined, "unknown before anything waited or finished");
  // A backend finishing its batch all at once: positions cost 100 ms, whatever the bursts.
  for (const [waitedMs, ahead] of [
    [1_000, 9],
    [2_000, 19],
    [500, 4],
    [1_500, 14],
  ] as const) {
    model.dispatched({ waitedMs, aheadAtArrival: ahead, stillQueued: 20 });
  }
  assert.equal(model.msPerPosition(16), 100);
  assert.equal(model.waitMs(24, 16), 2_500);
  assert.equal(model.waitMs(0, 16), 0, "nothing ahead: no queueing");
});

test("the pace promised is one that 19 of 20 recent requests did not exceed", () => {
  const model = new QueueWaitModel(64, 4);
  // 19 positions at 80 ms, one unlucky request at 200 ms, then one at 120 ms.
  for (let i = 0; i < 18; i++) model.dispatched({ waitedMs: 800, aheadAtArrival: 9, stillQueued: 5 });
  model.dispatched({ waitedMs: 2_000, aheadAtArrival: 9, stillQueued: 5 });
  model.dispatched({ waitedMs: 1_200, aheadAtArrival: 9, stillQueued: 5 });
  assert.equal(model.msPerPosition(16), 120, "the 95th percentile of 20: the 19th smallest");
});

test("before a backlog has taught its pace, the requests' service time over the running sequences stands in", () => {
  const model = new QueueWaitModel(64, 4);
  model.finished(1_200, 40);
  model.finished(1_600, 60);
  assert.equal(model.msPerPosition(16), 87.5, "1.4 s per request, 16 at a time");
  assert.equal(model.waitMs(15, 16), 1_400, "16 positions: one batch generation");
  assert.equal(model.msPerPosition(0), undefined, "no sequence running: no pace from service times");
});

test("the larger of the two measurements wins", () => {
  const model = new QueueWaitModel(64, 2);
  model.finished(800, 30); // 50 ms per position with 16 slots
  for (let i = 0; i < 2; i++) model.dispatched({ waitedMs: 2_000, aheadAtArrival: 19, stillQueued: 5 });
  assert.equal(model.msPerPosition(16), 100, "a queue slower than its service times (prefill-bound, KV cache shrunk)");
  const fast = new QueueWaitModel(64, 2);
  fast.finished(3_200, 30); // 200 ms per position
  for (let i = 0; i < 2; i++) fast.dispatched({ waitedMs: 2_000, aheadAtArrival: 19, stillQueued: 5 });
  assert.equal(fast.msPerPosition(16), 200);
});

test("requests that found the queue empty teach nothing; an emptied queue forgets its pace", () => {
  const model = new QueueWaitModel(64, 2);
  model.dispatched({ waitedMs: 3, aheadAtArrival: 0, stillQueued: 5 });
  assert.equal(model.msPerPosition(16), undefined);
  model.dispatched({ waitedMs: 300, aheadAtArrival: 2, stillQueued: 5 });
  model.dispatched({ waitedMs: 600, aheadAtArrival: 5, stillQueued: 5 });
  assert.equal(model.msPerPosition(16), 100);
  model.dispatched({ waitedMs: 100, aheadAtArrival: 1, stillQueued: 0 });
  assert.equal(model.waitMs(3, 16), undefined);
});

test("only the last `window` requests count", () => {
  const model = new QueueWaitModel(3, 1);
  for (const waitedMs of [1_000, 1_000, 100, 100, 100]) model.dispatched({ waitedMs, aheadAtArrival: 1, stillQueued: 1 });
  assert.equal(model.msPerPosition(16), 50);
});

test("the time from dispatch to first token is the one 19 of 20 recent requests did not exceed", () => {
  const model = new QueueWaitModel();
  assert.equal(model.firstTokenMs(), 0);
  for (let i = 1; i <= 20; i++) model.finished(1_000, i * 10);
  assert.equal(model.firstTokenMs(), 190);
});
