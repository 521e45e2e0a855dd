import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { judgeScheduledStop } from "./scheduled-stop-rule.js";

const MINUTE = 60_000;
// The design notes' cold start (3 min) and the watchdog's default check (1 min); runs every 10 minutes.
const rule = (now: number, previous: number | undefined, next: number | undefined) =>
  judgeScheduledStop({ now, previous, next, coldStartMs: 3 * MINUTE, checkIntervalMs: MINUTE });

describe("judgeScheduledStop", () => {
  it("stops when the next run is further away than a cold start: a restart costs less than the wait", () => {
    const v = rule(2 * MINUTE, 0, 10 * MINUTE);
    assert.equal(v.stop, true);
    assert.match(v.reason, /next scheduled run is in 480 s \(1970-01-01T00:10:00\.000Z\), more than the 180 s cold start/);
  });

  it("stays when the next run is within a cold start, up to and including exactly one cold start away", () => {
    const near = rule(8 * MINUTE, 0, 10 * MINUTE);
    assert.equal(near.stop, false);
    assert.match(near.reason, /in 120 s .*within the 180 s cold start: staying until it costs less than the restart/);
    assert.equal(rule(7 * MINUTE, 0, 10 * MINUTE).stop, false, "exactly one cold start away: a stop saves nothing");
    assert.equal(rule(7 * MINUTE - 1, 0, 10 * MINUTE).stop, true, "a millisecond further: a stop saves that millisecond");
  });

  it("stays while a run began less than one check interval ago: its work may not have arrived yet", () => {
    const v = rule(10 * MINUTE + 30_000, 10 * MINUTE, 20 * MINUTE);
    assert.equal(v.stop, false);
    assert.match(v.reason, /scheduled run at 1970-01-01T00:10:00\.000Z began 30 s ago, less than one check interval/);
    // One interval after the run, an idle check means the run brought no work: stop, the next run is far.
    assert.equal(rule(11 * MINUTE, 10 * MINUTE, 20 * MINUTE).stop, true);
  });

  it("stops when no run is to come", () => {
    const v = rule(5 * MINUTE, 0, undefined);
    assert.equal(v.stop, true);
    assert.match(v.reason, /no scheduled run to come/);
    assert.equal(rule(5 * MINUTE, undefined, undefined).stop, true);
  });
});
