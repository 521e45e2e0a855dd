import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { strengthScore, validateAndRank } from "./step-h-validate-rank.js";
import type { DistinctCluster, DraftStrength } from "./strength-types.js";

const draft = (statement: string, reviewIds: string[], supportShare: number, distinctiveness: number): DraftStrength => {
  const cluster: DistinctCluster = {
    aspect: "taste",
    representative: statement || "claim",
    claims: reviewIds.filter((id) => id !== "not-a-claimant").map((reviewId) => ({ reviewId, aspect: "taste", text: "x" })),
    reviewIds,
    support: reviewIds.length,
    supportShare,
    distinctiveness,
  };
  return { cluster, statement };
};

describe("step H: validate and rank", () => {
  const context = new Set(["a", "b", "c", "d", "not-a-claimant"]);

  it("removes evidence outside the context or that made no claim, drops empty statements, ranks by score", () => {
    const { strengths, warnings } = validateAndRank(
      [
        draft("적당히 특별함", ["a", "b"], 0.2, 2),
        draft("아주 특별함", ["c", "ghost", "not-a-claimant"], 0.3, 8),
        draft("  ", ["d"], 0.5, 9),
        draft("근거 없음", ["ghost"], 0.4, 9),
      ],
      context,
      5,
    );
    assert.deepEqual(strengths.map((s) => [s.statement, s.evidenceReviewIds]), [
      ["아주 특별함", ["c"]],
      ["적당히 특별함", ["a", "b"]],
    ]);
    assert.equal(strengths[0]!.score, strengthScore(0.3, 8));
    assert.equal(strengths[0]!.support, 1);
    assert.equal(warnings.length, 4);
  });

  it("returns at most max_strengths", () => {
    const many = Array.from({ length: 6 }, (_, i) => draft(`s${i}`, ["a"], 0.2 + i / 100, 2));
    const { strengths } = validateAndRank(many, context, 3);
    assert.deepEqual(strengths.map((s) => s.statement), ["s5", "s4", "s3"]);
  });
});
