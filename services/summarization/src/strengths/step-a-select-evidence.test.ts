import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { vectorsearch } from "@reviewlens/contracts";
import { fixedReviewSource } from "../test-fixtures.js";
import { selectPositiveEvidence } from "./step-a-select-evidence.js";

describe("step A: select positive evidence", () => {
  it("asks vector-search for TOP-K biased to positive and keeps only positive ratings", async () => {
    const source = fixedReviewSource("r1", [
      { text: "최고예요", rating: 5 },
      { text: "별로예요", rating: 2 },
      { text: "좋아요", rating: 4 },
      { text: "그냥 그래요", rating: 3 },
    ]);
    const evidence = await selectPositiveEvidence(source, "r1", 10);
    assert.equal(source.requests[0]!.polarity, vectorsearch.Polarity.POLARITY_POSITIVE);
    assert.equal(source.requests[0]!.topK, 10);
    assert.deepEqual(evidence.reviews.map((r) => r.reviewId), ["r1-rv0", "r1-rv2"]);
    assert.equal(evidence.allReviewTexts.length, 4);
  });
});
