import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sentiment } from "@reviewlens/contracts";
import { aggregateSentiment } from "./sentiment-aggregation.js";
import type { LabelAnswer } from "./sentiment-task.js";

describe("aggregateSentiment", () => {
  it("counts labels, computes the positive ratio over labelled reviews and lists the reviews behind each label", () => {
    const labels = new Map<string, LabelAnswer>([
      ["a", { label: "positive", confidence: 0.9 }],
      ["b", { label: "negative", confidence: 0.8 }],
      ["c", { label: "positive", confidence: 0.7 }],
      ["e", { label: "neutral", confidence: 0.5 }],
    ]);
    const result = aggregateSentiment("r1", ["e", "d", "c", "b", "a"], labels, [{ reviewId: "d", reason: "invalid" }]);
    assert.equal(result.positiveCount, 2);
    assert.equal(result.negativeCount, 1);
    assert.equal(result.neutralCount, 1);
    assert.equal(result.positiveRatio, 0.5);
    assert.deepEqual(result.positiveReviewIds, ["c", "a"]);
    assert.deepEqual(result.negativeReviewIds, ["b"]);
    assert.deepEqual(result.neutralReviewIds, ["e"]);
    assert.deepEqual(result.failedReviews, [{ reviewId: "d", reason: "invalid" }]);
    assert.deepEqual(
      result.reviews.map((r) => [r.reviewId, r.label]),
      [
        ["e", sentiment.SentimentLabel.SENTIMENT_LABEL_NEUTRAL],
        ["c", sentiment.SentimentLabel.SENTIMENT_LABEL_POSITIVE],
        ["b", sentiment.SentimentLabel.SENTIMENT_LABEL_NEGATIVE],
        ["a", sentiment.SentimentLabel.SENTIMENT_LABEL_POSITIVE],
      ],
    );
  });

  it("gives a ratio of 0, not NaN, when nothing was labelled", () => {
    const result = aggregateSentiment("r1", ["a"], new Map(), [{ reviewId: "a", reason: "x" }]);
    assert.equal(result.positiveRatio, 0);
    assert.equal(result.reviews.length, 0);
  });
});
