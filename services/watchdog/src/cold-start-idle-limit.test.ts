import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { idleLimitFromColdStart } from "./cold-start-idle-limit.js";

describe("idleLimitFromColdStart", () => {
  it("reproduces the design notes' example: a 3 min cold start at $1.50/h gives 3 checks of 60 s", () => {
    const r = idleLimitFromColdStart({ coldStartSeconds: 180, hourlyPriceDollars: 1.5, checkIntervalSeconds: 60 });
    assert.equal(r.idleLimit, 3);
    assert.ok(Math.abs(r.coldStartCostDollars - 0.075) < 1e-12);
    assert.ok(Math.abs(r.idleCostPerMinuteDollars - 0.025) < 1e-12);
    assert.ok(Math.abs(r.breakEvenIdleSeconds - 180) < 1e-9);
  });

  it("rounds up to whole checks, so the watchdog never stops before the break-even idle time", () => {
    assert.equal(idleLimitFromColdStart({ coldStartSeconds: 90, hourlyPriceDollars: 2.99, checkIntervalSeconds: 60 }).idleLimit, 2);
    assert.equal(idleLimitFromColdStart({ coldStartSeconds: 150, hourlyPriceDollars: 0.5, checkIntervalSeconds: 30 }).idleLimit, 5);
  });

  it("needs at least one idle check, even for a tiny cold start", () => {
    assert.equal(idleLimitFromColdStart({ coldStartSeconds: 1, hourlyPriceDollars: 1, checkIntervalSeconds: 60 }).idleLimit, 1);
  });
});
