// A restaurant's representative vector: the weighted mean of its review embeddings, kept as a
// weighted sum plus total weight so that upserts and deletes update it without rereading reviews.

export interface WeightPolicy {
  /** A review this many days older than another counts half as much. */
  recencyHalfLifeDays: number;
  /** Reviews this long (characters) or longer get the full length weight. */
  fullLengthChars: number;
  /** The length weight of a one-character review; grows with sqrt(length) up to 1. */
  minLengthWeight: number;
}

export const DEFAULT_WEIGHT_POLICY: WeightPolicy = { recencyHalfLifeDays: 180, fullLengthChars: 200, minLengthWeight: 0.2 };

// Recency is measured from a fixed epoch, not from "now": 2^((t - epoch)/h) differs from
// 2^((t - now)/h) by a factor common to every review, which cancels in the mean, so stored
// weights never go stale as time passes.
const RECENCY_EPOCH_MS = Date.UTC(2020, 0, 1);
const MAX_HALF_LIVES = 200; // keeps 2^x finite for absurd dates
const DAY_MS = 86_400_000;

export function recencyWeight(createdAtMs: number, policy: WeightPolicy): number {
  const halfLives = (createdAtMs - RECENCY_EPOCH_MS) / (policy.recencyHalfLifeDays * DAY_MS);
  return 2 ** Math.max(-MAX_HALF_LIVES, Math.min(MAX_HALF_LIVES, halfLives));
}

export function lengthWeight(text: string, policy: WeightPolicy): number {
  const chars = Array.from(text.trim()).length;
  return Math.max(policy.minLengthWeight, Math.min(1, Math.sqrt(chars / policy.fullLengthChars)));
}

export function reviewWeight(review: { text: string; createdAtMs: number }, policy: WeightPolicy): number {
  return recencyWeight(review.createdAtMs, policy) * lengthWeight(review.text, policy);
}

/** One review's share of its restaurant's vector. */
export interface Contribution {
  vector: number[];
  weight: number;
  createdAtMs: number;
}

export interface RepresentativeState {
  restaurantId: string;
  weightedSum: number[];
  totalWeight: number;
  reviewCount: number;
  /** Bumped on every change; 0 means never written. */
  version: number;
  /** Unit-length mean, the vector stored and searched with. */
  vector: number[];
  /** Cosine distance between this version's vector and the previous one's. */
  drift: number;
  lastReviewAtMs: number;
}

export function emptyState(restaurantId: string, dimension: number): RepresentativeState {
  return { restaurantId, weightedSum: new Array<number>(dimension).fill(0), totalWeight: 0, reviewCount: 0, version: 0, vector: new Array<number>(dimension).fill(0), drift: 0, lastReviewAtMs: 0 };
}

export function normalize(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0));
  return norm === 0 ? vector.map(() => 0) : vector.map((x) => x / norm);
}

export function cosineSimilarity(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * The next version after removing and adding contributions (a replaced review is one of each).
 * `lastReviewAtMs` of the result is only a lower bound after removals; the caller recomputes it
 * when the newest review was removed.
 */
export function applyContributions(state: RepresentativeState, added: Contribution[], removed: Contribution[]): RepresentativeState {
  const sum = [...state.weightedSum];
  let total = state.totalWeight;
  for (const c of removed) {
    total -= c.weight;
    c.vector.forEach((x, i) => (sum[i] = (sum[i] ?? 0) - c.weight * x));
  }
  for (const c of added) {
    total += c.weight;
    c.vector.forEach((x, i) => (sum[i] = (sum[i] ?? 0) + c.weight * x));
  }
  const reviewCount = state.reviewCount + added.length - removed.length;
  if (reviewCount < 0) throw new RangeError(`restaurant ${state.restaurantId}: removing more reviews than it has`);
  // With no reviews left, drop floating-point residue instead of carrying it forward.
  const weightedSum = reviewCount === 0 ? sum.map(() => 0) : sum;
  const totalWeight = reviewCount === 0 ? 0 : total;
  const vector = reviewCount === 0 ? state.vector : normalize(weightedSum);
  const hadVector = state.reviewCount > 0;
  return {
    restaurantId: state.restaurantId,
    weightedSum,
    totalWeight,
    reviewCount,
    version: state.version + 1,
    vector,
    drift: hadVector && reviewCount > 0 ? 1 - cosineSimilarity(state.vector, vector) : 0,
    lastReviewAtMs: Math.max(reviewCount === 0 ? 0 : state.lastReviewAtMs, ...added.map((c) => c.createdAtMs)),
  };
}

/** The mean from scratch: what the incremental state must equal. */
export function recomputeMean(contributions: Contribution[], dimension: number): { vector: number[]; totalWeight: number } {
  const sum = new Array<number>(dimension).fill(0);
  let totalWeight = 0;
  for (const c of contributions) {
    totalWeight += c.weight;
    c.vector.forEach((x, i) => (sum[i] = (sum[i] ?? 0) + c.weight * x));
  }
  return { vector: normalize(sum), totalWeight };
}
