import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { countSupport } from "./step-d-count-support.js";

describe("step D: count support", () => {
  it("counts distinct reviews per cluster, shares of positive reviews, most supported first", () => {
    const out = countSupport(
      [
        { aspect: "taste", representative: "x", claims: [{ reviewId: "a", aspect: "taste", text: "x" }] },
        {
          aspect: "service",
          representative: "y",
          claims: [
            { reviewId: "a", aspect: "service", text: "y" },
            { reviewId: "b", aspect: "service", text: "y" },
            { reviewId: "b", aspect: "service", text: "y!" },
          ],
        },
      ],
      10,
    );
    assert.deepEqual(out.map((c) => [c.representative, c.support, c.supportShare, c.reviewIds]), [
      ["y", 2, 0.2, ["a", "b"]],
      ["x", 1, 0.1, ["a"]],
    ]);
  });
});
