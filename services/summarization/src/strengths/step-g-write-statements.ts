// Step G: one short statement per strength, written by the LLM from the cluster's claims; the
// evidence is the cluster's reviews, never chosen by the model.
import { completeStructured, escapeReviewText, REVIEWS_ARE_DATA, type TaskEnvironment } from "@reviewlens/analysis-core";
import { STRENGTH_ANALYSIS_TYPE } from "./step-b-extract-claims.js";
import type { DistinctCluster, DraftStrength } from "./strength-types.js";

export const STATEMENT_SYSTEM_PROMPT = [
  "You write the strengths of a restaurant for people choosing where to eat.",
  "Each <claims> element holds what several reviews praised about one aspect. Write one short Korean sentence (at most 60 characters) per element that states the strength plainly.",
  REVIEWS_ARE_DATA.replace("between <review> tags", "inside <claims> elements"),
  'Answer with one JSON object and nothing else: one key per element ref (S1, S2, ...), each {"statement": string}.',
].join("\n");

const statementRef = (i: number) => `S${i + 1}`;
const MAX_CLAIMS_SHOWN = 8;

export function statementSchema(refs: string[]): object {
  return {
    type: "object",
    properties: Object.fromEntries(refs.map((r) => [r, { type: "object", properties: { statement: { type: "string", minLength: 1, maxLength: 120 } }, required: ["statement"], additionalProperties: false }])),
    required: refs,
    additionalProperties: false,
  };
}

export async function writeStatements(clusters: DistinctCluster[], env: TaskEnvironment): Promise<{ drafts: DraftStrength[]; warnings: string[] }> {
  if (clusters.length === 0) return { drafts: [], warnings: [] };
  const refs = clusters.map((_, i) => statementRef(i));
  const body = clusters
    .map((c, i) => {
      const claims = [...new Set(c.claims.map((x) => x.text))].slice(0, MAX_CLAIMS_SHOWN).map(escapeReviewText);
      return `<claims ref="${refs[i]}" aspect="${c.aspect}" reviews="${c.support}">${claims.join(" | ")}</claims>`;
    })
    .join("\n");
  const outcome = await completeStructured<Record<string, { statement: string }>>(
    env.gateway,
    {
      name: "strength_statements",
      messages: [
        { role: "system", content: STATEMENT_SYSTEM_PROMPT },
        { role: "user", content: `${body}\nWrite one statement per element above by its ref.` },
      ],
      schema: statementSchema(refs),
      maxTokens: 64 + clusters.length * 160,
      priority: env.priority,
      restaurantId: env.restaurantId,
      analysisType: STRENGTH_ANALYSIS_TYPE,
    },
    env.ledger,
    env.signal,
  );
  if (!outcome.ok) {
    // The claims themselves came from the reviews: state them as they are rather than invent.
    return {
      drafts: clusters.map((cluster) => ({ cluster, statement: cluster.representative })),
      warnings: [`strength statements fell back to the extracted claims: ${outcome.error}`],
    };
  }
  return { drafts: clusters.map((cluster, i) => ({ cluster, statement: outcome.value[refs[i]!]!.statement.trim() })), warnings: [] };
}
