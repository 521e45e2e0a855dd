import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareWithBaseline, lift, MAX_LIFT, type ClaimPrevalence } from "./step-e-compare-baseline.js";
import type { SupportedCluster } from "./strength-types.js";

const cluster = (representative: string): SupportedCluster => ({ aspect: "taste", representative, claims: [], reviewIds: ["a", "b", "c"], support: 3, supportShare: 0.3 });

describe("step E: compare with the baseline of other restaurants", () => {
  it("scores generic praise that every restaurant gets near 1 and a signature claim high", async () => {
    // 100 reviews here, 900 at other restaurants: "맛있어요" is in 40% of both, "수제 생면" only here.
    const prevalence: Record<string, ClaimPrevalence> = {
      맛있어요: { ownMatches: 40, ownReviews: 100, otherMatches: 360, otherReviews: 900 },
      "수제 생면": { ownMatches: 12, ownReviews: 100, otherMatches: 0, otherReviews: 900 },
    };
    const asked: string[] = [];
    const { clusters, warnings } = await compareWithBaseline(
      [cluster("맛있어요"), cluster("수제 생면")],
      {
        prevalence: async (claim, restaurantId) => {
          asked.push(`${restaurantId}:${claim}`);
          return prevalence[claim]!;
        },
      },
      "r1",
    );
    assert.deepEqual(asked, ["r1:맛있어요", "r1:수제 생면"]);
    assert.equal(clusters[0]!.distinctiveness, 1);
    assert.equal(clusters[1]!.distinctiveness, MAX_LIFT);
    assert.deepEqual(warnings, []);
  });

  it("computes lift as the share here over the share elsewhere, and 1 without a baseline", () => {
    assert.equal(lift({ ownMatches: 20, ownReviews: 100, otherMatches: 50, otherReviews: 1000 }), 4);
    assert.equal(lift({ ownMatches: 5, ownReviews: 10, otherMatches: 0, otherReviews: 0 }), 1);
    assert.equal(lift({ ownMatches: 0, ownReviews: 100, otherMatches: 10, otherReviews: 100 }), 0);
  });

  it("warns when there is no other restaurant to compare with", async () => {
    const { warnings } = await compareWithBaseline([cluster("x")], { prevalence: async () => ({ ownMatches: 1, ownReviews: 5, otherMatches: 0, otherReviews: 0 }) }, "r1");
    assert.equal(warnings.length, 1);
  });
});
