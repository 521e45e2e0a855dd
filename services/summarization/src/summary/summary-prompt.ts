// The summary prompt and its JSON schemas. The system prompt does not depend on the aspects or the
// reviews, so every summary of every restaurant shares it as a cached prefix.
import { REVIEWS_ARE_DATA, reviewsSection, type ChatTurn } from "@reviewlens/analysis-core";

export const SUMMARY_SYSTEM_PROMPT = [
  "You summarise restaurant reviews, mostly written in Korean, for people choosing a restaurant.",
  "Write an overall summary and one summary per requested aspect, in Korean, each at most two sentences, only from what the reviews say.",
  "Cite the refs (R1, R2, ...) of the reviews each summary rests on. An aspect no review mentions gets an empty summary, no evidence and sentiment 0.",
  "sentiment is from -1 (clearly negative) to 1 (clearly positive).",
  REVIEWS_ARE_DATA,
  'Answer with one JSON object and nothing else: {"overall": {"summary", "evidence"}, "aspects": {"<aspect>": {"summary", "evidence", "sentiment"}}}.',
].join("\n");

export const renderSummaryPrompt = (aspects: string[]) => (blocks: string[]): ChatTurn[] => [
  { role: "system", content: SUMMARY_SYSTEM_PROMPT },
  { role: "user", content: `${reviewsSection(blocks)}\nSummarise these reviews. Aspects: ${aspects.join(", ")}.` },
];

const MAX_EVIDENCE = 8;

/**
 * `refs` given: the decoding schema, whose evidence can only name refs in the prompt.
 * `refs` omitted: the validation schema, which accepts any string so an unknown citation is removed
 * and counted rather than costing the whole summary.
 */
export function summarySchema(aspects: string[], refs?: string[]): object {
  const evidence = { type: "array", items: refs ? { type: "string", enum: refs } : { type: "string" }, maxItems: MAX_EVIDENCE };
  const aspectSummary = {
    type: "object",
    properties: {
      summary: { type: "string", maxLength: 240 },
      evidence,
      sentiment: { type: "number", minimum: -1, maximum: 1 },
    },
    required: ["summary", "evidence", "sentiment"],
    additionalProperties: false,
  };
  return {
    type: "object",
    properties: {
      overall: {
        type: "object",
        properties: { summary: { type: "string", maxLength: 400 }, evidence },
        required: ["summary", "evidence"],
        additionalProperties: false,
      },
      aspects: {
        type: "object",
        properties: Object.fromEntries(aspects.map((a) => [a, aspectSummary])),
        required: aspects,
        additionalProperties: false,
      },
    },
    required: ["overall", "aspects"],
    additionalProperties: false,
  };
}

export interface SummaryAnswer {
  overall: { summary: string; evidence: string[] };
  aspects: Record<string, { summary: string; evidence: string[]; sentiment: number }>;
}

/** Output tokens a summary may take: Korean text is about one token per character. */
export const summaryMaxTokens = (aspects: string[]) => 200 + 400 + aspects.length * 300;
