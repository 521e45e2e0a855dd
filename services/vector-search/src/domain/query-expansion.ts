// Asking the LLM for related search queries: the prompt, the JSON schema that constrains its
// answer, and the checks applied to what comes back.

export interface ChatMessage {
  role: "system" | "user";
  content: string;
}

export interface QueryExpansionPrompt {
  messages: ChatMessage[];
  schemaName: string;
  schema: Record<string, unknown>;
  maxTokens: number;
}

export const MAX_EXPANSIONS = 10;
const MAX_QUERY_CHARS = 200;

export function queryExpansionPrompt(query: string, count: number): QueryExpansionPrompt {
  return {
    messages: [
      {
        role: "system",
        content:
          "You help search restaurant review photos by their captions. Given a search query, propose related short " +
          "search queries (synonyms, specific dishes or visual details, in the query's language). Answer with JSON only.",
      },
      { role: "user", content: `Query: ${query}\nPropose ${count} related queries.` },
    ],
    schemaName: "query_expansion",
    schema: {
      type: "object",
      properties: {
        queries: { type: "array", items: { type: "string", minLength: 1, maxLength: MAX_QUERY_CHARS }, minItems: 1, maxItems: count },
      },
      required: ["queries"],
      additionalProperties: false,
    },
    maxTokens: 48 * count + 32,
  };
}

export class ExpansionFormatError extends Error {
  constructor(reason: string) {
    super(`query expansion answer rejected: ${reason}`);
    this.name = "ExpansionFormatError";
  }
}

/** The usable related queries: trimmed, distinct (case-insensitively), not the original, at most `count`. */
export function parseQueryExpansion(answer: string, original: string, count: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    throw new ExpansionFormatError(`not JSON: ${answer.slice(0, 80)}`);
  }
  const queries = (parsed as { queries?: unknown } | null)?.queries;
  if (!Array.isArray(queries)) throw new ExpansionFormatError('no "queries" array');
  const seen = new Set([original.trim().toLowerCase()]);
  const out: string[] = [];
  for (const q of queries) {
    if (typeof q !== "string") continue;
    const trimmed = q.trim().slice(0, MAX_QUERY_CHARS);
    const key = trimmed.toLowerCase();
    if (trimmed === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(trimmed);
    if (out.length === count) break;
  }
  return out;
}
