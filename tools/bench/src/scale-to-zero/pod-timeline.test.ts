import assert from "node:assert/strict";
import { test } from "node:test";
import { PodTimeline } from "./pod-timeline.js";

test("billed time counts the model load and the time on, not the time off", () => {
  const pod = new PodTimeline("on", 0);
  pod.set("off", 100);
  pod.set("loading", 400);
  pod.set("on", 580);
  pod.set("off", 900);
  assert.equal(pod.billedMs(0, 1_000), 100 + 180 + 320);
  assert.equal(pod.billedMs(500, 1_000), 80 + 320, "a window cuts the intervals it overlaps");
  assert.equal(pod.billedMs(950, 1_000), 0);
  assert.deepEqual([pod.stateAt(50), pod.stateAt(100), pod.stateAt(450), pod.stateAt(600), pod.stateAt(2_000)], ["on", "off", "loading", "on", "off"]);
  assert.deepEqual([pod.entered("loading"), pod.entered("off")], [1, 2]);
});

test("a pod still on at the end is billed to the end; repeated states change nothing; time runs forward", () => {
  const pod = new PodTimeline("off", 0);
  pod.set("off", 10);
  pod.set("on", 20);
  assert.equal(pod.billedMs(0, 100), 80);
  assert.equal(pod.entered("off"), 0);
  assert.throws(() => pod.set("off", 5), /time order/);
});
