// Per-restaurant sentiment from per-review labels: counts, positive ratio, the reviews behind each label.
import { sentiment } from "@reviewlens/contracts";
import type { Label, LabelAnswer } from "./sentiment-task.js";

const PROTO_LABEL: Record<Label, sentiment.SentimentLabel> = {
  positive: sentiment.SentimentLabel.SENTIMENT_LABEL_POSITIVE,
  negative: sentiment.SentimentLabel.SENTIMENT_LABEL_NEGATIVE,
  neutral: sentiment.SentimentLabel.SENTIMENT_LABEL_NEUTRAL,
};

/** `order` is the context order (most representative first); results keep it. */
export function aggregateSentiment(
  restaurantId: string,
  order: string[],
  labels: Map<string, LabelAnswer>,
  failed: Array<{ reviewId: string; reason: string }>,
): sentiment.SentimentResult {
  const ids: Record<Label, string[]> = { positive: [], negative: [], neutral: [] };
  const reviews: sentiment.ReviewSentiment[] = [];
  for (const reviewId of order) {
    const answer = labels.get(reviewId);
    if (!answer) continue;
    ids[answer.label].push(reviewId);
    reviews.push({ reviewId, label: PROTO_LABEL[answer.label], confidence: answer.confidence });
  }
  const labelled = reviews.length;
  const rank = new Map(order.map((id, i) => [id, i]));
  return {
    restaurantId,
    reviews,
    positiveCount: ids.positive.length,
    negativeCount: ids.negative.length,
    neutralCount: ids.neutral.length,
    positiveRatio: labelled > 0 ? ids.positive.length / labelled : 0,
    positiveReviewIds: ids.positive,
    negativeReviewIds: ids.negative,
    neutralReviewIds: ids.neutral,
    failedReviews: [...failed].sort((a, b) => (rank.get(a.reviewId) ?? 0) - (rank.get(b.reviewId) ?? 0)),
  };
}
