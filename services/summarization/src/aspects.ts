// Aspects a summary covers: the default seven, or the caller's own (extensible).
import { InvalidArgumentError } from "@reviewlens/runtime";

export const DEFAULT_ASPECTS = ["taste", "service", "price_value", "ambience", "cleanliness", "waiting_time", "portion"] as const;

/** The key of the overall summary beside the aspects' keys, so never an aspect's name. */
export const OVERALL = "overall";

// An aspect whose name Qwen2.5 splits in two ("t" "aste", "waiting" "_time") is keyed in answers by
// a one-token word the instructions explain: an answer names its keys, and an analysis waits for its
// longest answer. Ambience has no such word a model would read the same ("view", "decor" are narrower).
const ONE_TOKEN_WORDS: Readonly<Record<string, string>> = { taste: "food", price_value: "price", cleanliness: "clean", waiting_time: "wait" };

/** How instructions name an aspect's key: its one-token word and the aspect ("food (taste)"), or its name. */
export const keyExplained = (aspect: string): string => {
  const word = ONE_TOKEN_WORDS[aspect];
  return word ? `${word} (${aspect.replace("_", " ")})` : aspect;
};

/** The one-token words explained: "food (taste), price (price value), ...". */
export const ONE_TOKEN_WORDS_EXPLAINED = Object.keys(ONE_TOKEN_WORDS).map(keyExplained).join(", ");

export interface AnswerKeys {
  /** The key an aspect (or overall) has in answers. */
  toAnswer: (key: string) => string;
  /** The aspect (or overall) an answer's key stands for. */
  fromAnswer: (answerKey: string) => string;
}

/**
 * Answer keys for `keys`: an aspect's one-token word where it has one and the word is not itself
 * among `keys` (a caller's own aspect named "food" keeps its name, and taste then keeps its own).
 */
export function answerKeys(keys: readonly string[]): AnswerKeys {
  const asked = new Set(keys);
  const words = new Map(keys.flatMap((key) => (ONE_TOKEN_WORDS[key] && !asked.has(ONE_TOKEN_WORDS[key]) ? [[key, ONE_TOKEN_WORDS[key]] as const] : [])));
  const aspects = new Map([...words].map(([key, word]) => [word, key]));
  return { toAnswer: (key) => words.get(key) ?? key, fromAnswer: (answerKey) => aspects.get(answerKey) ?? answerKey };
}

const ASPECT_NAME = /^[a-z][a-z0-9_]{0,31}$/;
const MAX_ASPECTS = 16;

export function resolveAspects(requested: string[]): string[] {
  if (requested.length === 0) return [...DEFAULT_ASPECTS];
  if (requested.length > MAX_ASPECTS) throw new InvalidArgumentError("aspects", `at most ${MAX_ASPECTS}, got ${requested.length}`);
  const seen = new Set<string>();
  requested.forEach((aspect, i) => {
    if (!ASPECT_NAME.test(aspect)) throw new InvalidArgumentError(`aspects[${i}]`, `"${aspect.slice(0, 40)}" is not an aspect name (lower-case letters, digits and _, at most 32)`);
    if (aspect === OVERALL) throw new InvalidArgumentError(`aspects[${i}]`, `"${OVERALL}" is the summary of the whole restaurant, not an aspect`);
    if (seen.has(aspect)) throw new InvalidArgumentError(`aspects[${i}]`, `"${aspect}" is listed twice`);
    seen.add(aspect);
  });
  return requested;
}
