// Step B: aspect claims per review, as structured output (a few short claims per review).
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
    'Answer with one JSON object and nothing else: one key per review ref (R1, R2, ...), each {"claims": [{"aspect", "claim"}]}.',
  ].join("\n"),
  instruction: "Extract the praised claims of every review above by its ref.",
  answerSchema: {
    type: "object",
    properties: {
      claims: {
        type: "array",
        maxItems: MAX_CLAIMS_PER_REVIEW,
        items: {
          type: "object",
          properties: { aspect: { type: "string", enum: [...DEFAULT_ASPECTS] }, claim: { type: "string", minLength: 1, maxLength: 40 } },
          required: ["aspect", "claim"],
          additionalProperties: false,
        },
      },
    },
    required: ["claims"],
    additionalProperties: false,
  },
  outputTokensPerReview: 30 + MAX_CLAIMS_PER_REVIEW * 50,
};

export interface ExtractedClaims {
  claims: Claim[];
  failed: Array<{ reviewId: string; reason: string }>;
  warnings: string[];
}

export async function extractClaims(reviews: EvidenceReview[], allReviewTexts: string[], env: TaskEnvironment): Promise<ExtractedClaims> {
  const outcome = await runPerReviewTask<EvidenceReview, { claims: Array<{ aspect: string; claim: string }> }>(reviews, allReviewTexts, claimTask, env);
  const claims: Claim[] = [];
  for (const review of reviews) {
    for (const c of outcome.answers.get(review.reviewId)?.claims ?? []) {
      const text = c.claim.trim();
      if (text) claims.push({ reviewId: review.reviewId, aspect: c.aspect, text });
    }
  }
  return { claims, failed: outcome.failed, warnings: outcome.warnings };
}
