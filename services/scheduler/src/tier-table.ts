// Traffic tiers: restaurants grouped by review count, each tier with its own re-analysis interval
// (review traffic is long-tailed: a few busy restaurants change often, most rarely).

export interface Tier {
  readonly name: string;
  readonly minReviews: number;
  /** Inclusive; Infinity for the open top tier. */
  readonly maxReviews: number;
  readonly intervalMinutes: number;
}

export const DEFAULT_TIERS = "40-:10,10-39:30,0-9:60";

/**
 * Parses "MIN-MAX:MINUTES,..." (MAX empty for no upper bound), e.g. "40-:10,10-39:30,0-9:60".
 * The tiers must cover every count from 0 up without overlap, so no restaurant falls outside.
 */
export function parseTierTable(spec: string): Tier[] {
  const tiers = spec.split(",").map((part) => {
    const m = /^\s*(\d+)-(\d*):(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw new Error(`tier "${part.trim()}" should look like MIN-MAX:MINUTES (e.g. 10-39:30) or MIN-:MINUTES`);
    const minReviews = Number(m[1]);
    const maxReviews = m[2] === "" ? Infinity : Number(m[2]);
    const intervalMinutes = Number(m[3]);
    if (maxReviews < minReviews) throw new Error(`tier "${part.trim()}": MAX is below MIN`);
    if (intervalMinutes <= 0) throw new Error(`tier "${part.trim()}": the interval must be positive`);
    return { name: `${minReviews}-${m[2]}`, minReviews, maxReviews, intervalMinutes };
  });
  tiers.sort((a, b) => a.minReviews - b.minReviews);
  let next = 0;
  for (const t of tiers) {
    if (t.minReviews !== next) {
      throw new Error(`tiers must cover review counts from 0 without gaps or overlaps; ${t.minReviews < next ? "overlap" : "gap"} at ${Math.min(next, t.minReviews)}`);
    }
    next = t.maxReviews + 1;
  }
  if (next !== Infinity) throw new Error(`the last tier must be open-ended (e.g. "${next}-:10"), counts above ${next - 1} have no tier`);
  return tiers;
}

export function tierFor(tiers: readonly Tier[], reviewCount: number): Tier {
  const tier = tiers.find((t) => reviewCount >= t.minReviews && reviewCount <= t.maxReviews);
  if (!tier) throw new Error(`no tier for ${reviewCount} reviews`); // parseTierTable guarantees coverage
  return tier;
}
