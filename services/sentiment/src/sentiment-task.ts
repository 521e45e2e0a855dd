// What the LLM is asked for each review: a label and a confidence, as structured output.
import { REVIEWS_ARE_DATA, type PerReviewTask } from "@reviewlens/analysis-core";

export const SENTIMENT_LABELS = ["positive", "negative", "neutral"] as const;
export type Label = (typeof SENTIMENT_LABELS)[number];

export interface LabelAnswer {
  label: Label;
  confidence: number;
}

export const sentimentTask: PerReviewTask = {
  name: "review_sentiment",
  analysisType: "sentiment",
  systemPrompt: [
    "You label the sentiment of restaurant reviews, mostly written in Korean.",
    "For each review decide whether the customer's overall experience was positive, negative or neutral (mixed or purely factual), and how confident you are from 0 to 1.",
    REVIEWS_ARE_DATA,
    'Answer with one JSON object and nothing else: one key per review ref (R1, R2, ...), each {"label": "positive" | "negative" | "neutral", "confidence": number}.',
  ].join("\n"),
  instruction: "Label every review above by its ref.",
  answerSchema: {
    type: "object",
    properties: {
      label: { type: "string", enum: [...SENTIMENT_LABELS] },
      confidence: { type: "number", minimum: 0, maximum: 1 },
    },
    required: ["label", "confidence"],
    additionalProperties: false,
  },
  outputTokensPerReview: 40,
};
