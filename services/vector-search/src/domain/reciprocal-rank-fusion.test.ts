import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.js";

const list = (query: string, keys: string[]) => ({ query, hits: keys.map((key) => ({ key, item: key.toUpperCase() })) });

describe("reciprocal-rank fusion", () => {
  it("ranks items found by several queries above items found by one", () => {
    const fused = reciprocalRankFusion([list("pasta", ["a", "b", "c"]), list("noodles", ["b", "d", "a"]), list("spaghetti", ["e", "b"])]);
    assert.deepEqual(fused.map((h) => h.key), ["b", "a", "e", "d", "c"]);
    const b = fused[0]!;
    assert.ok(Math.abs(b.score - (1 / 62 + 1 / 61 + 1 / 62)) < 1e-15);
    assert.deepEqual(b.matchedQueries, ["pasta", "noodles", "spaghetti"]);
    assert.equal(b.item, "B");
  });

  it("de-duplicates within a list and across lists", () => {
    const fused = reciprocalRankFusion([list("q1", ["x", "x", "y"]), list("q2", ["y", "x"])]);
    assert.equal(fused.length, 2);
    const x = fused.find((h) => h.key === "x")!;
    assert.ok(Math.abs(x.score - (1 / 61 + 1 / 62)) < 1e-15); // the second "x" in q1 does not take rank 2
    assert.deepEqual(x.matchedQueries, ["q1", "q2"]);
  });

  it("breaks score ties by best rank, then key, and handles no lists", () => {
    const fused = reciprocalRankFusion([list("q1", ["a", "b"]), list("q2", ["b", "a"])]);
    assert.deepEqual(fused.map((h) => h.key), ["a", "b"]);
    assert.deepEqual(reciprocalRankFusion([]), []);
  });
});
