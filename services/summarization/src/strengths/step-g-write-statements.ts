// Step G: one short statement per strength, written by the LLM from the cluster's claims; the
// evidence is the cluster's reviews, never chosen by the model. One answer per cluster over the same
// prompt (every cluster's claims), all sent at once, so no statement waits for another.
import { alignSystemPrompt, alignToKvBlock, completeStructured, escapeReviewText, refFor, REVIEWS_ARE_DATA, type ChatTurn, type TaskEnvironment } from "@reviewlens/analysis-core";
import { STRENGTH_ANALYSIS_TYPE } from "./step-b-extract-claims.js";
import type { ClaimCluster } from "./strength-types.js";

export const STATEMENT_SYSTEM_PROMPT = [
  "You write the strengths of a restaurant for people choosing where to eat.",
  "Each <claims> element holds what several reviews praised about one aspect. Write one short Korean sentence (at most 60 characters) that states the strength plainly.",
  REVIEWS_ARE_DATA.replace("between <review> tags", "inside <claims> elements"),
  'Answer with one JSON object and nothing else, keyed by the ref of the element you are asked about: {"C": "statement"}. The answer\'s key names that element; the other elements are context.',
].join("\n");

const MAX_CLAIMS_SHOWN = 8;
const MAX_STATEMENT_CHARS = 120;
// Korean is about a token per character, plus the JSON around it and EOS.
const STATEMENT_MAX_TOKENS = MAX_STATEMENT_CHARS + 16;

export function statementSchema(refs: string[]): object {
  return {
    type: "object",
    properties: Object.fromEntries(refs.map((r) => [r, { type: "string", minLength: 1, maxLength: MAX_STATEMENT_CHARS }])),
    required: refs,
    additionalProperties: false,
  };
}

export interface StatementDraft<C extends ClaimCluster> {
  cluster: C;
  statement: string;
}

export async function writeStatements<C extends ClaimCluster & { support: number }>(clusters: C[], env: TaskEnvironment): Promise<{ drafts: Array<StatementDraft<C>>; warnings: string[] }> {
  if (clusters.length === 0) return { drafts: [], warnings: [] };
  const refs = clusters.map((_, i) => refFor(i));
  const body = clusters
    .map((c, i) => {
      const claims = [...new Set(c.claims.map((x) => x.text))].slice(0, MAX_CLAIMS_SHOWN).map(escapeReviewText);
      // No support count: the statement states the strength, the result carries how many reviews.
      return `<claims ref="${refs[i]}" aspect="${c.aspect}">${claims.join(" | ")}</claims>`;
    })
    .join("\n");
  const render = (pad: string): ChatTurn[] => [
    { role: "system", content: alignSystemPrompt(STATEMENT_SYSTEM_PROMPT, env.tokenizer) },
    { role: "user", content: `${body}${pad}` },
  ];
  const { messages } = clusters.length > 1 ? alignToKvBlock(render, env.tokenizer) : { messages: render("") };
  const outcomes = await Promise.all(
    refs.map((ref) =>
      completeStructured<Record<string, string>>(
        env.gateway,
        {
          name: "strength_statements",
          messages,
          schema: statementSchema([ref]),
          maxTokens: STATEMENT_MAX_TOKENS,
          priority: env.priority,
          restaurantId: env.restaurantId,
          analysisType: STRENGTH_ANALYSIS_TYPE,
        },
        env.ledger,
        env.signal,
      ),
    ),
  );
  const warnings: string[] = [];
  const drafts = clusters.map((cluster, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) return { cluster, statement: outcome.value[refs[i]!]!.trim() };
    // The claims themselves came from the reviews: state them as they are rather than invent.
    warnings.push(`strength statement of "${cluster.representative}" fell back to the extracted claim: ${outcome.error}`);
    return { cluster, statement: cluster.representative };
  });
  return { drafts, warnings };
}
