// The budget arithmetic: the sliding window, the in-flight limit and settling, on the in-process
// table with a clock the test moves.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LocalBudgetTable } from "./local-budget-table.js";
import { decideReservation, tokensPerWindow } from "./token-budget.js";

const window = { windowMs: 60_000, inFlightRetryMs: 1_000 };

function table() {
  let now = 1_000_000;
  const t = new LocalBudgetTable({ ...window, leaseMs: 600_000, clock: () => now });
  return { t, at: (ms: number) => (now = 1_000_000 + ms) };
}

test("tokens per minute scale to the window", () => {
  assert.equal(tokensPerWindow(60_000, 60_000), 60_000);
  assert.equal(tokensPerWindow(60_000, 5_000), 5_000);
  assert.equal(tokensPerWindow(undefined, 5_000), undefined);
});

test("a request fits while the window's tokens plus its estimate stay within the limit", () => {
  const state = { tokensUsed: 700, inFlight: 0, entries: [{ at: 0, tokens: 700 }] };
  assert.deepEqual(decideReservation(state, 300, { tokensPerWindow: 1_000 }, 10, window), { admitted: true, tokensUsed: 1_000, inFlight: 1 });
  const refused = decideReservation(state, 301, { tokensPerWindow: 1_000 }, 10, window);
  assert.equal(refused.admitted, false);
});

test("the retry hint is when enough of the oldest entries leave the window for the request to fit", () => {
  const entries = [
    { at: 0, tokens: 400 },
    { at: 20_000, tokens: 300 },
    { at: 30_000, tokens: 300 },
  ];
  const state = { tokensUsed: 1_000, inFlight: 3, entries };
  const hint = (tokens: number) => {
    const r = decideReservation(state, tokens, { tokensPerWindow: 1_000 }, 45_000, window);
    return r.admitted ? "admitted" : `${r.reason} ${r.retryAfterMs}`;
  };
  assert.equal(hint(400), "tokens 15000"); // the first entry leaves at 60 s
  assert.equal(hint(500), "tokens 35000"); // the first two leave at 80 s
  assert.equal(hint(1_000), "tokens 45000"); // all three, at 90 s
  assert.equal(hint(1_001), "too-large 0"); // never fits
});

test("the in-flight limit refuses before the token budget, with its own retry hint", () => {
  const r = decideReservation({ tokensUsed: 0, inFlight: 2, entries: [] }, 10, { tokensPerWindow: 1_000, maxInFlight: 2 }, 0, window);
  assert.deepEqual(r, { admitted: false, reason: "in-flight", retryAfterMs: 1_000, tokensUsed: 0, inFlight: 2 });
});

test("reservations leave the window after its length; settling replaces an estimate with the usage", async () => {
  const { t, at } = table();
  const limits = { tokensPerWindow: 1_000 };
  assert.equal((await t.reserve("a", "r1", 600, limits)).admitted, true);
  at(10_000);
  assert.equal((await t.reserve("a", "r2", 600, limits)).admitted, false);
  await t.settle("a", "r1", 250); // 600 estimated, 250 used
  assert.equal((await t.reserve("a", "r2", 600, limits)).admitted, true);
  assert.deepEqual(await t.usage("a"), { tokensUsed: 850, inFlight: 1 });
  at(59_999);
  assert.equal((await t.reserve("a", "r3", 300, limits)).admitted, false);
  at(60_000); // r1 leaves
  assert.equal((await t.reserve("a", "r3", 150, limits)).admitted, true);
  assert.deepEqual(await t.usage("a"), { tokensUsed: 750, inFlight: 2 });
});

test("a usage above the estimate counts in full, and later requests wait for it to leave the window", async () => {
  const { t, at } = table();
  const limits = { tokensPerWindow: 1_000 };
  await t.reserve("a", "r1", 500, limits);
  await t.settle("a", "r1", 900); // the prompt was underestimated
  const refused = await t.reserve("a", "r2", 200, limits);
  assert.deepEqual(refused, { admitted: false, reason: "tokens", retryAfterMs: 60_000, tokensUsed: 900, inFlight: 0 });
  at(60_000);
  assert.equal((await t.reserve("a", "r2", 200, limits)).admitted, true);
});

test("settling frees the in-flight slot; tenants are counted apart", async () => {
  const { t } = table();
  const limits = { maxInFlight: 1 };
  assert.equal((await t.reserve("a", "r1", 10, limits)).admitted, true);
  assert.equal((await t.reserve("a", "r2", 10, limits)).admitted, false);
  assert.equal((await t.reserve("b", "r3", 10, limits)).admitted, true);
  await t.settle("a", "r1", 10);
  assert.equal((await t.reserve("a", "r2", 10, limits)).admitted, true);
});

test("an in-flight slot never settled is freed when its lease ends", async () => {
  let now = 0;
  const t = new LocalBudgetTable({ ...window, leaseMs: 5_000, clock: () => now });
  await t.reserve("a", "lost", 10, { maxInFlight: 1 });
  now = 4_999;
  assert.equal((await t.reserve("a", "r2", 10, { maxInFlight: 1 })).admitted, false);
  now = 5_000;
  assert.equal((await t.reserve("a", "r2", 10, { maxInFlight: 1 })).admitted, true);
});
