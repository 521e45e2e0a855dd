import assert from "node:assert/strict";
import { test } from "node:test";
import { ServedShares } from "./served-shares.js";

test("shares are each tenant's tokens over the last minute, older ones forgotten", () => {
  let now = 0;
  const s = new ServedShares(() => now);
  s.record("a", 300);
  now = 30_000;
  s.record("b", 100);
  s.record("a", 100);
  assert.deepEqual(s.snapshot(), [
    { tenant: "a", tokens: 400, share: 0.8 },
    { tenant: "b", tokens: 100, share: 0.2 },
  ]);
  now = 60_500; // the first second left the window
  assert.deepEqual(s.snapshot(), [
    { tenant: "a", tokens: 100, share: 0.5 },
    { tenant: "b", tokens: 100, share: 0.5 },
  ]);
  now = 200_000;
  assert.deepEqual(s.snapshot(), []);
});
