// Reciprocal-rank fusion (Cormack et al., 2009): score(d) = sum over lists of 1 / (k + rank(d)).
// Robust to lists whose raw scores are not comparable, such as searches for different queries.

export interface RankedList<T> {
  query: string;
  /** Best first; `key` identifies the same item across lists (duplicates within a list count once). */
  hits: Array<{ key: string; item: T }>;
}

export interface FusedHit<T> {
  key: string;
  item: T;
  score: number;
  matchedQueries: string[];
}

export const RRF_K = 60;

export function reciprocalRankFusion<T>(lists: RankedList<T>[], k = RRF_K): FusedHit<T>[] {
  const fused = new Map<string, FusedHit<T> & { bestRank: number }>();
  for (const list of lists) {
    const seen = new Set<string>();
    let rank = 0;
    for (const hit of list.hits) {
      if (seen.has(hit.key)) continue;
      seen.add(hit.key);
      rank++;
      const entry = fused.get(hit.key);
      if (entry) {
        entry.score += 1 / (k + rank);
        entry.bestRank = Math.min(entry.bestRank, rank);
        if (!entry.matchedQueries.includes(list.query)) entry.matchedQueries.push(list.query);
      } else {
        fused.set(hit.key, { key: hit.key, item: hit.item, score: 1 / (k + rank), matchedQueries: [list.query], bestRank: rank });
      }
    }
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.bestRank - b.bestRank || a.key.localeCompare(b.key))
    .map(({ key, item, score, matchedQueries }) => ({ key, item, score, matchedQueries }));
}
