import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PrefetchingBaseline } from "./prefetching-baseline.js";
import type { BaselineSource, ClaimPrevalence } from "./step-e-compare-baseline.js";

const prevalence = (ownMatches: number): ClaimPrevalence => ({ ownMatches, ownReviews: 10, otherMatches: 5, otherReviews: 900 });

function countingSource(fail: (call: number) => boolean = () => false) {
  const asked: Array<[string, string]> = [];
  const source: BaselineSource = {
    async prevalence(claim, restaurantId) {
      asked.push([claim, restaurantId]);
      if (fail(asked.length)) throw new Error("UNAVAILABLE: vector-search restarting");
      return prevalence(claim.length);
    },
  };
  return { asked, source };
}

describe("PrefetchingBaseline", () => {
  it("answers step E from the query started early, once per claim and restaurant", async () => {
    const { asked, source } = countingSource();
    const baseline = new PrefetchingBaseline(source);
    baseline.prefetch("수제 생면", "r1");
    baseline.prefetch("수제 생면", "r1");
    assert.deepEqual(await baseline.prevalence("수제 생면", "r1"), prevalence(5));
    assert.deepEqual(await baseline.prevalence("숯불 향", "r1"), prevalence(4));
    await baseline.prevalence("수제 생면", "r2");
    assert.deepEqual(asked, [
      ["수제 생면", "r1"],
      ["숯불 향", "r1"],
      ["수제 생면", "r2"],
    ]);
  });

  it("asks again when the early query failed, and passes on the step's own failure", async () => {
    const { asked, source } = countingSource((call) => call !== 2);
    const baseline = new PrefetchingBaseline(source);
    baseline.prefetch("수제 생면", "r1");
    assert.deepEqual(await baseline.prevalence("수제 생면", "r1"), prevalence(5));
    assert.equal(asked.length, 2);
    await assert.rejects(baseline.prevalence("숯불 향", "r1"), /UNAVAILABLE/);
  });
});
