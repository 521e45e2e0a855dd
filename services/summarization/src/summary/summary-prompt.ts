// The summary prompt and its JSON schemas. The system prompt does not depend on the aspects or the
// reviews, so every summary of every restaurant shares it as a cached prefix. Each key (the overall
// summary, each aspect) gets two answers over the same prompt, sent together: a text answer (the
// summary) and an evidence answer (the cited refs and, for an aspect, the score). The schema's one
// key and its fields name which; the messages are the same, so the prefix cache serves every answer
// after the first and the short answers decode side by side instead of one long answer per key.
import { alignSystemPrompt, REVIEWS_ARE_DATA, reviewsSection, type ChatTurn, type PromptTokenizer } from "@reviewlens/analysis-core";
import { ONE_TOKEN_WORDS_EXPLAINED, OVERALL } from "../aspects.js";

export const SUMMARY_SYSTEM_PROMPT = [
  "You summarise restaurant reviews, mostly written in Korean, for people choosing a restaurant.",
  `Each key is "${OVERALL}" (the restaurant as a whole) or an aspect; some aspects are keyed by a shorter word: ${ONE_TOKEN_WORDS_EXPLAINED}. A key gets two answers over the same reviews, a text answer and an evidence answer; the schema says which.`,
  `The text answer {"<key>": "summary"} is the summary in Korean, only from what the reviews say: at most two short sentences for ${OVERALL}, one sentence for an aspect, empty for an aspect no review mentions.`,
  `The evidence answer {"<key>": {"cite", "score"}} (no score for ${OVERALL}): cite lists the refs (A, B, ...) of the reviews that say something about the key, the ones its summary rests on, most telling first; score is the aspect's sentiment from -100 (clearly negative) to 100 (clearly positive). An aspect no review mentions gets no citations and score 0.`,
  REVIEWS_ARE_DATA,
  "Answer with one JSON object and nothing else.",
].join("\n");

/** The reviews alone: the instructions are in the (cached) system prompt, the key and the kind of each answer in its schema. */
export const renderSummaryPrompt =
  (tokenizer: PromptTokenizer) =>
  (blocks: string[], pad = ""): ChatTurn[] => [
    { role: "system", content: alignSystemPrompt(SUMMARY_SYSTEM_PROMPT, tokenizer) },
    { role: "user", content: `${reviewsSection(blocks)}${pad}` },
  ];

/** The two answers every key gets. */
export const SUMMARY_ANSWER_KINDS = ["text", "evidence"] as const;
export type SummaryAnswerKind = (typeof SUMMARY_ANSWER_KINDS)[number];

// Five reviews are enough to check a one-sentence summary against, and the evidence answer is as
// long as its citations (about 2.5 tokens each): with eight it was the summary's longest answer.
const MAX_CITATIONS = 5;
const MAX_OVERALL_CHARS = 160;
const MAX_ASPECT_CHARS = 120;

const strictObject = (properties: Record<string, object>) => ({ type: "object", properties, required: Object.keys(properties), additionalProperties: false });

/**
 * The schema of one answer of `kind` for `keys`.
 * `refs` given: the decoding schema, whose citations can only name refs in the prompt.
 * `refs` omitted: the validation schema, which accepts any string so an unknown citation is removed
 * and counted rather than costing the whole summary.
 */
export function summarySchema(keys: string[], kind: SummaryAnswerKind, refs?: string[]): object {
  const cite = { type: "array", items: refs ? { type: "string", enum: refs } : { type: "string" }, maxItems: MAX_CITATIONS };
  const score = { type: "integer", minimum: -100, maximum: 100 };
  // The text answer is the bare string: a one-field object would cost a decode step per token of its wrapper.
  const answerOf = (key: string) =>
    kind === "text" ? { type: "string", maxLength: key === OVERALL ? MAX_OVERALL_CHARS : MAX_ASPECT_CHARS } : strictObject(key === OVERALL ? { cite } : { cite, score });
  return strictObject(Object.fromEntries(keys.map((k) => [k, answerOf(k)])));
}

export interface KeySummary {
  summary: string;
  cite: string[];
  /** Aspects only, -100 to 100. */
  score?: number;
}

/** One answer: each of its keys' summary (a text answer) or citations and score (an evidence answer). */
export type SummaryAnswerPart = Record<string, string | Pick<KeySummary, "cite" | "score">>;

/** Output tokens an answer may take: Korean text is about one token per character, a citation about four, a score and the JSON around a key about 16. */
export const summaryMaxTokens = (keys: string[], kind: SummaryAnswerKind) =>
  8 + keys.reduce((n, k) => n + 16 + (kind === "evidence" ? MAX_CITATIONS * 4 : k === OVERALL ? MAX_OVERALL_CHARS : MAX_ASPECT_CHARS), 0);
