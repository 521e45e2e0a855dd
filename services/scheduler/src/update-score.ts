// update_score = new_reviews_since_last x novelty_ratio (SPEC section 3): restaurants whose reviews
// changed meaning, not just count, are refreshed first.

export interface ScoreInput {
  readonly reviewCount: number;
  readonly vectorVersion: number;
  /** Cosine distance the representative vector moved at its last update (vector-search). */
  readonly drift: number;
  /** What the last successful analysis saw; undefined when it never ran. */
  readonly last: { readonly reviewCount: number; readonly vectorVersion: number } | undefined;
}

export interface Score {
  readonly newReviews: number;
  /** 0-1: the larger of the share of new reviews and the vector drift relative to driftScale. */
  readonly novelty: number;
  readonly score: number;
}

/**
 * driftScale: the drift at which a restaurant counts as fully novel (default 0.05 cosine distance,
 * about what a handful of off-topic reviews do to a 20-review restaurant).
 */
export function updateScore(input: ScoreInput, driftScale = 0.05): Score {
  if (!input.last) return { newReviews: input.reviewCount, novelty: 1, score: input.reviewCount };
  const changed = input.vectorVersion !== input.last.vectorVersion;
  // Deletions and edits move the version without adding to the count: count them as one change.
  const newReviews = Math.max(input.reviewCount - input.last.reviewCount, changed ? 1 : 0);
  if (newReviews === 0) return { newReviews: 0, novelty: 0, score: 0 };
  const share = Math.min(1, newReviews / Math.max(1, input.reviewCount));
  const drift = Math.min(1, Math.max(0, input.drift) / driftScale);
  const novelty = Math.max(share, drift);
  return { newReviews, novelty, score: newReviews * novelty };
}
