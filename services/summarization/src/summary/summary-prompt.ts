// The summary prompt and its JSON schemas. The system prompt does not depend on the aspects or the
// reviews, so every summary of every restaurant shares it as a cached prefix. The overall summary and
// each aspect are separate answers over the same prompt (the schema's one key names which), sent
// together: their short answers decode side by side instead of one long answer.
import { alignSystemPrompt, REVIEWS_ARE_DATA, reviewsSection, type ChatTurn, type PromptTokenizer } from "@reviewlens/analysis-core";
import { OVERALL } from "../aspects.js";

export const SUMMARY_SYSTEM_PROMPT = [
  "You summarise restaurant reviews, mostly written in Korean, for people choosing a restaurant.",
  `Each answer is about one key: "${OVERALL}" (the restaurant as a whole, at most two short sentences) or an aspect (one sentence), in Korean, only from what the reviews say.`,
  "cite lists the refs (1, 2, ...) of the reviews the summary rests on. An aspect no review mentions gets an empty summary, no citations and score 0.",
  "score is the aspect's sentiment from -100 (clearly negative) to 100 (clearly positive).",
  REVIEWS_ARE_DATA,
  `Answer with one JSON object and nothing else: {"<key>": {"summary", "cite"}} for ${OVERALL}, {"<aspect>": {"summary", "cite", "score"}} for an aspect.`,
].join("\n");

/** The reviews alone: the instructions are in the (cached) system prompt, the key each answer is about in its schema. */
export const renderSummaryPrompt =
  (tokenizer: PromptTokenizer) =>
  (blocks: string[], pad = ""): ChatTurn[] => [
    { role: "system", content: alignSystemPrompt(SUMMARY_SYSTEM_PROMPT, tokenizer) },
    { role: "user", content: `${reviewsSection(blocks)}${pad}` },
  ];

const MAX_CITATIONS = 8;
const MAX_OVERALL_CHARS = 160;
const MAX_ASPECT_CHARS = 120;

/**
 * `refs` given: the decoding schema, whose citations can only name refs in the prompt.
 * `refs` omitted: the validation schema, which accepts any string so an unknown citation is removed
 * and counted rather than costing the whole summary.
 */
export function summarySchema(keys: string[], refs?: string[]): object {
  const cite = { type: "array", items: refs ? { type: "string", enum: refs } : { type: "string" }, maxItems: MAX_CITATIONS };
  const answerOf = (key: string) =>
    key === OVERALL
      ? { type: "object", properties: { summary: { type: "string", maxLength: MAX_OVERALL_CHARS }, cite }, required: ["summary", "cite"], additionalProperties: false }
      : {
          type: "object",
          properties: { summary: { type: "string", maxLength: MAX_ASPECT_CHARS }, cite, score: { type: "integer", minimum: -100, maximum: 100 } },
          required: ["summary", "cite", "score"],
          additionalProperties: false,
        };
  return { type: "object", properties: Object.fromEntries(keys.map((k) => [k, answerOf(k)])), required: keys, additionalProperties: false };
}

export interface KeySummary {
  summary: string;
  cite: string[];
  /** Aspects only, -100 to 100. */
  score?: number;
}

export type SummaryAnswer = Record<string, KeySummary>;

/** Output tokens an answer may take: Korean text is about one token per character, a citation about four. */
export const summaryMaxTokens = (keys: string[]) => 8 + keys.reduce((n, k) => n + (k === OVERALL ? MAX_OVERALL_CHARS : MAX_ASPECT_CHARS) + MAX_CITATIONS * 4 + 16, 0);
