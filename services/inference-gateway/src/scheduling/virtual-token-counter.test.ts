import assert from "node:assert/strict";
import { test } from "node:test";
import { VirtualTokenCounter } from "./virtual-token-counter.js";

const weights: Record<string, number> = { a: 1, b: 2, c: 4 };
const vtc = () => new VirtualTokenCounter((t) => weights[t] ?? 1);

test("service is counted in tokens divided by the tenant's weight", () => {
  const v = vtc();
  v.charge("a", 600);
  v.charge("b", 600);
  v.charge("c", 600);
  assert.deepEqual(["a", "b", "c"].map((t) => v.counter(t)), [600, 300, 150]);
});

test("settling replaces the charge with the tokens actually served", () => {
  const v = vtc();
  v.charge("b", 1_000); // 200 prompt + 800 max output
  v.settle("b", 1_000, 260); // the answer ended after 60 output tokens
  assert.equal(v.counter("b"), 130);
  v.settle("b", 0, 40);
  assert.equal(v.counter("b"), 150);
});

test("a tenant returning from idle is lifted to the least counter of those backlogged, never lowered", () => {
  const v = vtc();
  v.charge("a", 5_000);
  v.charge("b", 4_000); // 2,000
  v.activate("c", ["a", "b"]);
  assert.equal(v.counter("c"), 2_000);
  v.charge("c", 40_000); // 12,000
  v.activate("c", ["a", "b"]);
  assert.equal(v.counter("c"), 12_000, "a tenant ahead keeps its counter");
});

test("with nobody backlogged, a returning tenant is lifted to the counter of the tenant served last", () => {
  const v = vtc();
  v.charge("a", 700);
  v.charge("b", 3_000); // 1,500, served last
  v.activate("c", []);
  assert.equal(v.counter("c"), 1_500);
  v.activate("a", ["a"]);
  assert.equal(v.counter("a"), 1_500, "its own counter does not count as another's");
});

test("pruning forgets idle tenants at or below the floor only", () => {
  const v = vtc();
  v.charge("a", 100);
  v.charge("b", 1_000); // 500
  v.charge("c", 400); // 100
  v.prune(100, (t) => t === "c");
  assert.equal(v.size, 2);
  assert.equal(v.counter("a"), 0);
  assert.equal(v.counter("c"), 100);
});
