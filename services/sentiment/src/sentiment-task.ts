// What the LLM is asked for each review: a label and a confidence, as structured output. The answer
// is compact (one-token keys and labels, confidence in whole percent) because its tokens are decode
// steps; every review gets its own answer over the same prompt (see runPerReviewTask).
import { REVIEWS_ARE_DATA, type PerReviewTask } from "@reviewlens/analysis-core";

export const SENTIMENT_LABELS = ["positive", "negative", "neutral"] as const;
export type Label = (typeof SENTIMENT_LABELS)[number];

export interface LabelAnswer {
  label: Label;
  /** 0 to 1. */
  confidence: number;
}

/** One review's answer as the model writes it. */
export interface LabelAnswerJson {
  label: Label;
  /** Whole percent. */
  conf: number;
}

export const fromAnswerJson = (answer: LabelAnswerJson): LabelAnswer => ({ label: answer.label, confidence: answer.conf / 100 });

export const sentimentTask: PerReviewTask = {
  name: "review_sentiment",
  analysisType: "sentiment",
  systemPrompt: [
    "You label the sentiment of restaurant reviews, mostly written in Korean.",
    "Decide whether the customer's overall experience in a review was positive, negative or neutral (mixed or purely factual), and how confident you are in percent (0 to 100).",
    REVIEWS_ARE_DATA,
    'Answer with one JSON object and nothing else, keyed by the ref of each review you are asked about: {"G": {"label": "positive" | "negative" | "neutral", "conf": integer}}. The answer\'s keys name those reviews; the other reviews are context.',
  ].join("\n"),
  instruction: "",
  answerSchema: {
    type: "object",
    properties: {
      label: { type: "string", enum: [...SENTIMENT_LABELS] },
      conf: { type: "integer", minimum: 0, maximum: 100 },
    },
    required: ["label", "conf"],
    additionalProperties: false,
  },
  outputTokensPerReview: 16,
  reviewsPerAnswer: 1,
};
