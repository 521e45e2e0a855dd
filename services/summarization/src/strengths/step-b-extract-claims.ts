// Step B: aspect claims per review, as structured output (at most one short claim per aspect, a few
// per review), one answer per review over the same prompt, all sent at once. The answer is keyed by
// aspect ({"taste": "수제 생면"}): step B's time is its longest answer's decode, and keys with claim
// strings cost about a third fewer tokens than a list of {"aspect", "claim"} objects.
import { REVIEWS_ARE_DATA, runPerReviewTask, type AnswerPart, type PerReviewTask, type TaskEnvironment } from "@reviewlens/analysis-core";
import { answerKeys, DEFAULT_ASPECTS, keyExplained } from "../aspects.js";
import type { Claim, EvidenceReview } from "./strength-types.js";

export const STRENGTH_ANALYSIS_TYPE = "strength_extraction";
const MAX_CLAIMS_PER_REVIEW = 3;
// A claim is a few Korean words (a dish and its judgement, "숯불 향이 진해요" is 9): 24 characters hold
// four or five of them and bound the longest answer, which step B waits for.
const MAX_CLAIM_CHARS = 24;
// Per claim: the aspect key and JSON punctuation, and Korean at about a token per character (rarer
// syllables take two); per review the braces around the claims.
const CLAIM_TOKENS = 6 + Math.ceil(1.5 * MAX_CLAIM_CHARS);

// Aspects with two-token names are keyed by one-token words (aspects.ts): the longest answer names up
// to three aspects, and step B waits for it (38.1 -> 37.0 tokens on the demo restaurants, the same strengths).
const ANSWER_KEYS = answerKeys(DEFAULT_ASPECTS);
const keyOf = ANSWER_KEYS.toAnswer;
const aspectOf = ANSWER_KEYS.fromAnswer;
const KEYS_EXPLAINED = DEFAULT_ASPECTS.map(keyExplained).join(", ");

/** Claims keyed by these aspects' keys, at most one each, up to three (fewer aspects: that many). */
function claimsByAspect(aspects: readonly string[]): AnswerPart {
  const claims = {
    type: "object",
    properties: Object.fromEntries(aspects.map((aspect) => [keyOf(aspect), { type: "string", minLength: 1, maxLength: MAX_CLAIM_CHARS }])),
    additionalProperties: false,
  };
  const most = Math.min(MAX_CLAIMS_PER_REVIEW, aspects.length);
  return {
    answerSchema: { ...claims, maxProperties: most },
    // Not every structured-output backend enforces maxProperties: an answer with more claims is kept
    // and cut to the first three here rather than retried and lost.
    validationSchema: claims,
    outputTokensPerReview: 4 + most * CLAIM_TOKENS,
  };
}

export const claimTask: PerReviewTask = {
  name: "review_claims",
  analysisType: STRENGTH_ANALYSIS_TYPE,
  systemPrompt: [
    "You extract what restaurant reviews (mostly Korean) praise, as short claims.",
    `For each review give up to ${MAX_CLAIMS_PER_REVIEW} specific things it praises, at most one per aspect, keyed ${KEYS_EXPLAINED}; each a claim of a few Korean words.`,
    "Prefer what is specific to this restaurant (a dish, an ingredient, a service detail) over generic praise; a review praising nothing gets {}.",
    REVIEWS_ARE_DATA,
    `Answer with one JSON object and nothing else, keyed by the ref of each review you are asked about, claims by aspect: {"G": {"${keyOf("taste")}": "수제 생면", "ambience": "한강 뷰"}}. The answer's keys name those reviews; the other reviews are context.`,
  ].join("\n"),
  instruction: "",
  ...claimsByAspect(DEFAULT_ASPECTS),
  reviewsPerAnswer: 1,
};

/**
 * Step B with each review's claims asked in parts of `aspectsPerAnswer` aspects, side by side over
 * the same prompt (the prompt plans' comparison, `make bench-analysis-plans`): shorter answers, but
 * more of them decoding at once, each step slower. A review's merged claims keep the first three in
 * the aspects' order. All aspects or more: the one answer of `claimTask`.
 */
export function claimTaskWith(aspectsPerAnswer: number): PerReviewTask {
  const size = Math.max(1, Math.floor(aspectsPerAnswer));
  if (size >= DEFAULT_ASPECTS.length) return claimTask;
  const parts = Array.from({ length: Math.ceil(DEFAULT_ASPECTS.length / size) }, (_, i) => claimsByAspect(DEFAULT_ASPECTS.slice(i * size, (i + 1) * size)));
  return { ...claimTask, answerParts: parts };
}

/** One review's answer as the model writes it: a claim per aspect it praises, by the aspect's key. */
type ClaimsAnswer = Record<string, string>;

export interface ExtractedClaims {
  claims: Claim[];
  failed: Array<{ reviewId: string; reason: string }>;
  warnings: string[];
}

/** A review's claims from its answer: the first three, each trimmed, none empty. */
function claimsOf(reviewId: string, answer: ClaimsAnswer): Claim[] {
  return Object.entries(answer)
    .slice(0, MAX_CLAIMS_PER_REVIEW)
    .map(([key, claim]) => ({ reviewId, aspect: aspectOf(key), text: claim.trim() }))
    .filter((c) => c.text !== "");
}

/**
 * `onClaims` gets each review's claims (none when it praises nothing) as its answer arrives: step C
 * embeds them, and the look-ahead runs C-F on them, while the rest decode.
 */
export async function extractClaims(
  reviews: EvidenceReview[],
  allReviewTexts: string[],
  env: TaskEnvironment,
  onClaims?: (reviewId: string, claims: Claim[]) => void,
  task: PerReviewTask = claimTask,
): Promise<ExtractedClaims> {
  // The schema is checked on every answer (an aspect outside the list or an empty claim is retried,
  // then reported as failed), so each key here is an aspect's key.
  const outcome = await runPerReviewTask<EvidenceReview, ClaimsAnswer>(reviews, allReviewTexts, task, env, onClaims && ((review, answer) => onClaims(review.reviewId, claimsOf(review.reviewId, answer))));
  const warnings = [...outcome.warnings];
  const claims = reviews.flatMap((review) => {
    const answer = outcome.answers.get(review.reviewId) ?? {};
    const given = Object.keys(answer).length;
    if (given > MAX_CLAIMS_PER_REVIEW) warnings.push(`review ${review.reviewId} gave ${given} claims: the first ${MAX_CLAIMS_PER_REVIEW} were kept`);
    return claimsOf(review.reviewId, answer);
  });
  return { claims, failed: outcome.failed, warnings };
}
