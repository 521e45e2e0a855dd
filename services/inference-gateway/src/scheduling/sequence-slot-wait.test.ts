import assert from "node:assert/strict";
import { test } from "node:test";
import { sequenceSlotWaitMs } from "./sequence-slot-wait.js";

test("a request that finds a free slot after those ahead of it took theirs does not wait, whatever the hold time", () => {
  assert.equal(sequenceSlotWaitMs({ slots: 16, running: 12, holdMs: undefined }, 3), 0, "4 free, 3 ahead");
  assert.equal(sequenceSlotWaitMs({ slots: 16, running: 12, holdMs: 1_000 }, 0), 0);
});

test("beyond the free slots, requests go in turns of the backends' slots, each a hold long", () => {
  const capacity = { slots: 16, running: 16, holdMs: 1_500 };
  assert.deepEqual(
    [0, 15, 16, 31, 32].map((ahead) => sequenceSlotWaitMs(capacity, ahead)),
    [1_500, 1_500, 3_000, 3_000, 4_500],
    "the 16 first in line get the next turn; the 17th waits for the one after",
  );
  const twoFree = { slots: 16, running: 14, holdMs: 1_500 };
  assert.deepEqual([sequenceSlotWaitMs(twoFree, 17), sequenceSlotWaitMs(twoFree, 18)], [1_500, 3_000], "two free slots take the first two; the next 16 share a turn");
});

test("more slots (another healthy replica) serve the same queue in fewer turns", () => {
  const ahead = 20;
  const one = sequenceSlotWaitMs({ slots: 16, running: 16, holdMs: 1_000 }, ahead)!;
  const two = sequenceSlotWaitMs({ slots: 32, running: 32, holdMs: 1_000 }, ahead)!;
  assert.ok(two < one, `${two} ms with two replicas, ${one} ms with one`);
});

test("without a measured hold time a wait behind busy slots is unknown, and so is any wait without slots", () => {
  assert.equal(sequenceSlotWaitMs({ slots: 16, running: 16, holdMs: undefined }, 0), undefined);
  assert.equal(sequenceSlotWaitMs({ slots: 0, running: 0, holdMs: 1_000 }, 0), undefined);
});
