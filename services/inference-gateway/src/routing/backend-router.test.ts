import assert from "node:assert/strict";
import { test } from "node:test";
import { BackendRouter, type RouterOptions } from "./backend-router.js";
import { prefixBlockKeys } from "./prefix-blocks.js";

const blocks = { blockTokens: 16, blockChars: 8, maxBlocks: 64 };
const router = (options: Partial<RouterOptions> = {}) =>
  new BackendRouter({ policy: "prefix-affinity", affinityMargin: 0.2, maxEntries: 1_000, ...options });

test("prefix keys are equal exactly for the shared leading blocks", () => {
  const a = prefixBlockKeys("instructions-0123456789 review one", blocks);
  const b = prefixBlockKeys("instructions-0123456789 review two", blocks);
  assert.equal(a.length, 4);
  assert.deepEqual(a.slice(0, 3), b.slice(0, 3));
  assert.notEqual(a[3], b[3]);
  const tokens = prefixBlockKeys(Array.from({ length: 40 }, (_, i) => i), blocks);
  assert.equal(tokens.length, 2);
  assert.deepEqual(tokens, prefixBlockKeys([...Array.from({ length: 32 }, (_, i) => i), 99, 98], blocks));
});

test("least-loaded wins without history", () => {
  const r = router();
  const choice = r.choose([{ id: "a", load: 0.5 }, { id: "b", load: 0.1 }], ["k1"]);
  assert.equal(choice?.backend.id, "b");
  assert.equal(choice?.matchedBlocks, 0);
});

test("a shared prefix goes back to the replica that served it within the margin", () => {
  const r = router();
  const keys = prefixBlockKeys("shared analysis instructions and schema, then review A", blocks);
  r.record(keys, "a");
  const other = prefixBlockKeys("shared analysis instructions and schema, then review B", blocks);
  const choice = r.choose([{ id: "a", load: 0.25 }, { id: "b", load: 0.1 }], other);
  assert.equal(choice?.backend.id, "a");
  assert.equal(choice?.matchedBlocks, 6);
});

test("affinity yields to load beyond the margin", () => {
  const r = router({ affinityMargin: 0.1 });
  r.record(["k1", "k2"], "a");
  assert.equal(r.choose([{ id: "a", load: 0.5 }, { id: "b", load: 0.1 }], ["k1", "k2"])?.backend.id, "b");
});

test("the most recent server of the longest shared prefix is preferred", () => {
  const r = router();
  r.record(["k1"], "a");
  r.record(["k1", "k2"], "b");
  assert.equal(r.choose([{ id: "a", load: 0 }, { id: "b", load: 0 }], ["k1", "k2", "k3"])?.backend.id, "b");
});

test("least-loaded policy ignores prefixes", () => {
  const r = router({ policy: "least-loaded" });
  r.record(["k1"], "a");
  assert.equal(r.choose([{ id: "a", load: 0.05 }, { id: "b", load: 0 }], ["k1"])?.backend.id, "b");
});

test("old entries are forgotten beyond the bound, and a removed backend entirely", () => {
  const r = router({ maxEntries: 2 });
  const loads = [{ id: "a", load: 0.1 }, { id: "b", load: 0 }];
  r.record(["k1"], "a");
  r.record(["k2", "k3"], "a");
  assert.equal(r.choose(loads, ["k1"])?.backend.id, "b");
  assert.equal(r.choose(loads, ["k3"])?.backend.id, "a");
  r.forget("a");
  assert.equal(r.choose(loads, ["k3"])?.backend.id, "b");
});

test("no candidates, no choice", () => {
  assert.equal(router().choose([], ["k"]), undefined);
});

test("affinity names the replica that served the longest shared prefix, and how many blocks of it", () => {
  const r = router();
  assert.equal(r.affinity(["k1", "k2"]), undefined);
  r.record(["k1", "k2", "k3"], "a");
  assert.deepEqual(r.affinity(["k1", "k2", "x"]), { backendId: "a", matchedBlocks: 2 });
  assert.equal(router({ policy: "least-loaded" }).affinity(["k1"]), undefined);
});
