import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { emptyState } from "./domain/representative-vector.js";
import { CACHED_RESTAURANTS, RestaurantStateCache } from "./restaurant-state-cache.js";

const stateOf = (id: string, reviewCount: number) => ({ ...emptyState(id, 4), reviewCount, version: reviewCount });

describe("RestaurantStateCache", () => {
  it("knows a read restaurant's state, and that an unwritten restaurant has none, until it is evicted", () => {
    const cache = new RestaurantStateCache();
    assert.deepEqual(cache.lookup(["a", "b"]), { states: [], unknown: ["a", "b"] });
    cache.rememberRead(cache.beginRead(), ["a", "b"], [stateOf("a", 3)]);
    assert.deepEqual(cache.lookup(["a", "b", "c"]), { states: [stateOf("a", 3)], unknown: ["c"] });
  });

  it("keeps the state a write stored over the one read before it", () => {
    const cache = new RestaurantStateCache();
    const readAt = cache.beginRead();
    // The write lands while the read is on its way: what the read brings back may be the old state.
    cache.written(["a"], [stateOf("a", 5)]);
    cache.rememberRead(readAt, ["a"], [stateOf("a", 4)]);
    assert.deepEqual(cache.lookup(["a"]).states, [stateOf("a", 5)]);
  });

  it("forgets everything on clear, and a read begun before it is not kept", () => {
    const cache = new RestaurantStateCache();
    cache.written(["a"], [stateOf("a", 1)]);
    const readAt = cache.beginRead();
    cache.clear();
    cache.rememberRead(readAt, ["b"], [stateOf("b", 2)]);
    assert.deepEqual(cache.lookup(["a", "b"]), { states: [], unknown: ["a", "b"] });
  });

  it(`holds at most ${CACHED_RESTAURANTS} restaurants, dropping the least recently used`, () => {
    const cache = new RestaurantStateCache();
    const ids = Array.from({ length: CACHED_RESTAURANTS + 1 }, (_, i) => `r${i}`);
    cache.written(ids.slice(0, CACHED_RESTAURANTS), ids.slice(0, CACHED_RESTAURANTS).map((id) => stateOf(id, 1)));
    cache.lookup(["r0"]); // used: r1 is now the least recently used
    cache.written([ids.at(-1)!], [stateOf(ids.at(-1)!, 1)]);
    assert.deepEqual(cache.lookup(["r0", "r1", ids.at(-1)!]).unknown, ["r1"]);
  });
});
