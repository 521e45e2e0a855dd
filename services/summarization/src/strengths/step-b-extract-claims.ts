// Step B: aspect claims per review, as structured output (a few short claims per review), one answer
// per review over the same prompt, all sent at once.
import { REVIEWS_ARE_DATA, runPerReviewTask, type PerReviewTask, type TaskEnvironment } from "@reviewlens/analysis-core";
import { DEFAULT_ASPECTS } from "../aspects.js";
import type { Claim, EvidenceReview } from "./strength-types.js";

export const STRENGTH_ANALYSIS_TYPE = "strength_extraction";
const MAX_CLAIMS_PER_REVIEW = 3;

export const claimTask: PerReviewTask = {
  name: "review_claims",
  analysisType: STRENGTH_ANALYSIS_TYPE,
  systemPrompt: [
    "You extract what restaurant reviews (mostly Korean) praise, as short claims.",
    `For each review list up to ${MAX_CLAIMS_PER_REVIEW} specific things it praises, each with its aspect (${DEFAULT_ASPECTS.join(", ")}) and a claim of a few Korean words (e.g. "수제 생면", "숯불 향").`,
    "Prefer what is specific to this restaurant (a dish, an ingredient, a service detail) over generic praise; a review that praises nothing gets an empty list.",
    REVIEWS_ARE_DATA,
    'Answer with one JSON object and nothing else, keyed by the ref of each review you are asked about: {"7": [{"aspect", "claim"}]}. The answer\'s keys name those reviews; the other reviews are context.',
  ].join("\n"),
  instruction: "",
  answerSchema: {
    type: "array",
    maxItems: MAX_CLAIMS_PER_REVIEW,
    items: {
      type: "object",
      properties: { aspect: { type: "string", enum: [...DEFAULT_ASPECTS] }, claim: { type: "string", minLength: 1, maxLength: 40 } },
      required: ["aspect", "claim"],
      additionalProperties: false,
    },
  },
  outputTokensPerReview: 8 + MAX_CLAIMS_PER_REVIEW * 48,
  reviewsPerAnswer: 1,
};

/** One review's answer as the model writes it. */
type ClaimsAnswer = Array<{ aspect: string; claim: string }>;

export interface ExtractedClaims {
  claims: Claim[];
  failed: Array<{ reviewId: string; reason: string }>;
  warnings: string[];
}

export async function extractClaims(reviews: EvidenceReview[], allReviewTexts: string[], env: TaskEnvironment): Promise<ExtractedClaims> {
  const outcome = await runPerReviewTask<EvidenceReview, ClaimsAnswer>(reviews, allReviewTexts, claimTask, env);
  const claims: Claim[] = [];
  for (const review of reviews) {
    for (const c of outcome.answers.get(review.reviewId) ?? []) {
      const text = c.claim.trim();
      if (text) claims.push({ reviewId: review.reviewId, aspect: c.aspect, text });
    }
  }
  return { claims, failed: outcome.failed, warnings: outcome.warnings };
}
