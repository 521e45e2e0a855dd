import assert from "node:assert/strict";
import { test } from "node:test";
import { SeededRandom } from "./seeded-random.js";

const draws = (seed: number, n = 8) => {
  const random = new SeededRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

test("a seed gives the same sequence every time, another seed another one", () => {
  assert.deepEqual(draws(42), draws(42));
  assert.notDeepEqual(draws(42), draws(43));
  for (const x of draws(7, 1000)) assert.ok(x >= 0 && x < 1, String(x));
});

test("seeds above 2^32 keep their high bits: two seeds with the same low 32 bits differ", () => {
  const low = 12345;
  assert.notDeepEqual(draws(low + 2 ** 32), draws(low));
  assert.notDeepEqual(draws(low + 2 ** 33), draws(low + 2 ** 32));
  assert.deepEqual(draws(Number.MAX_SAFE_INTEGER), draws(Number.MAX_SAFE_INTEGER));
});

test("int draws every value of [min, max] and nothing outside it", () => {
  const random = new SeededRandom(3);
  const seen = new Set(Array.from({ length: 2000 }, () => random.int(-2, 3)));
  assert.deepEqual([...seen].sort((a, b) => a - b), [-2, -1, 0, 1, 2, 3]);
});
