import assert from "node:assert/strict";
import { test } from "node:test";
import { QueueWaitModel } from "./queue-wait-model.js";

test("the queue's pace is learnt from the requests that waited, and scales with the requests ahead", () => {
  const model = new QueueWaitModel(64, 4);
  assert.equal(model.waitMs(10), undefined, "unknown before anything waited or finished");
  // A backend finishing its batch all at once: positions cost 100 ms, whatever the bursts.
  for (const [waitedMs, ahead] of [
    [1_000, 9],
    [2_000, 19],
    [500, 4],
    [1_500, 14],
  ] as const) {
    model.dispatched({ waitedMs, aheadAtArrival: ahead, stillQueued: 20 });
  }
  assert.equal(model.msPerPosition(), 100);
  assert.equal(model.waitMs(24), 2_500);
  assert.equal(model.waitMs(0), 0, "nothing ahead: no queueing");
});

test("the pace promised is one that 19 of 20 recent requests did not exceed", () => {
  const model = new QueueWaitModel(64, 4);
  // 19 positions at 80 ms, one unlucky request at 200 ms, then one at 120 ms.
  for (let i = 0; i < 18; i++) model.dispatched({ waitedMs: 800, aheadAtArrival: 9, stillQueued: 5 });
  model.dispatched({ waitedMs: 2_000, aheadAtArrival: 9, stillQueued: 5 });
  model.dispatched({ waitedMs: 1_200, aheadAtArrival: 9, stillQueued: 5 });
  assert.equal(model.msPerPosition(), 120, "the 95th percentile of 20: the 19th smallest");
});

test("a sequence's hold time is the one 19 of 20 recent requests did not exceed; unknown before any finished", () => {
  const model = new QueueWaitModel();
  assert.equal(model.holdMs(), undefined);
  for (let i = 1; i <= 20; i++) model.finished(i * 100, 10);
  assert.equal(model.holdMs(), 1_900);
  assert.equal(model.msPerPosition(), undefined, "hold times alone teach no queue pace");
});

test("requests that found the queue empty teach nothing; an emptied queue forgets its pace", () => {
  const model = new QueueWaitModel(64, 2);
  model.dispatched({ waitedMs: 3, aheadAtArrival: 0, stillQueued: 5 });
  assert.equal(model.msPerPosition(), undefined);
  model.dispatched({ waitedMs: 300, aheadAtArrival: 2, stillQueued: 5 });
  model.dispatched({ waitedMs: 600, aheadAtArrival: 5, stillQueued: 5 });
  assert.equal(model.msPerPosition(), 100);
  model.dispatched({ waitedMs: 100, aheadAtArrival: 1, stillQueued: 0 });
  assert.equal(model.waitMs(3), undefined);
});

test("only the last `window` requests count", () => {
  const model = new QueueWaitModel(3, 1);
  for (const waitedMs of [1_000, 1_000, 100, 100, 100]) model.dispatched({ waitedMs, aheadAtArrival: 1, stillQueued: 1 });
  assert.equal(model.msPerPosition(), 50);
});

test("the time from dispatch to first token is the one 19 of 20 recent requests did not exceed", () => {
  const model = new QueueWaitModel();
  assert.equal(model.firstTokenMs(), 0);
  for (let i = 1; i <= 20; i++) model.finished(1_000, i * 10);
  assert.equal(model.firstTokenMs(), 190);
});
