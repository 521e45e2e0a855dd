// Aspects a summary covers: the default seven, or the caller's own (extensible).
import { InvalidArgumentError } from "@reviewlens/runtime";

export const DEFAULT_ASPECTS = ["taste", "service", "price_value", "ambience", "cleanliness", "waiting_time", "portion"] as const;

/** The key of the overall summary beside the aspects' keys, so never an aspect's name. */
export const OVERALL = "overall";

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
