import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PrefetchingBaseline } from "./prefetching-baseline.js";
import type { BaselineSource, ClaimPrevalence } from "./step-e-compare-baseline.js";

/** Counts a claim's matches as its length; records each query; fails the queries listed. */
function recordingBaseline(failQueries: number[] = []): BaselineSource & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async prevalence(claim, restaurantId): Promise<ClaimPrevalence> {
      queries.push(`${restaurantId}:${claim}`);
      if (failQueries.includes(queries.length)) throw new Error(`query ${queries.length} failed`);
      return { ownMatches: claim.length, ownReviews: 10, otherMatches: 1, otherReviews: 100 };
    },
  };
}

describe("PrefetchingBaseline", () => {
  it("queries each prefetched claim once per restaurant and answers later asks from it", async () => {
    const inner = recordingBaseline();
    const baseline = new PrefetchingBaseline(inner);
    baseline.prefetch(["수제 생면", "한강 뷰"], "r1");
    baseline.prefetch(["한강 뷰", "수제 생면"], "r1");
    baseline.prefetch(["한강 뷰"], "r2");
    assert.deepEqual(inner.queries, ["r1:수제 생면", "r1:한강 뷰", "r2:한강 뷰"], "started at once, each once");
    assert.equal((await baseline.prevalence("수제 생면", "r1")).ownMatches, 5);
    assert.equal((await baseline.prevalence("친절", "r1")).ownMatches, 2);
    assert.equal((await baseline.prevalence("친절", "r1")).ownMatches, 2);
    assert.deepEqual(inner.queries, ["r1:수제 생면", "r1:한강 뷰", "r2:한강 뷰", "r1:친절"], "a claim not prefetched is asked once");
  });

  it("asks again for a claim whose prefetch failed", async () => {
    const inner = recordingBaseline([1]);
    const baseline = new PrefetchingBaseline(inner);
    baseline.prefetch(["수제 생면"], "r1");
    assert.equal((await baseline.prevalence("수제 생면", "r1")).ownMatches, 5);
    assert.deepEqual(inner.queries, ["r1:수제 생면", "r1:수제 생면"]);
  });

  it("fails as the baseline does when asking again fails too", async () => {
    const baseline = new PrefetchingBaseline(recordingBaseline([1, 2]));
    baseline.prefetch(["수제 생면"], "r1");
    await assert.rejects(baseline.prevalence("수제 생면", "r1"), /query 2 failed/);
  });
});
