// Step C: normalise claims and cluster them by embedding similarity, within one aspect.
import type { TextEmbedder } from "@reviewlens/embedder";
import type { Claim, ClaimCluster } from "./strength-types.js";

export type { TextEmbedder };

/** NFKC, lower case, punctuation and repeated spaces removed: "숯불향!!" and "숯불 향" compare alike. */
export function normalizeClaim(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/[\p{P}\p{S}]+/gu, " ").replace(/\s+/g, " ").trim();
}

/** The text step C embeds for a claim (a prefetch must ask for the same text to be found). */
export const embeddingTextOf = (claim: Claim): string => normalizeClaim(claim.text);

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

interface Growing {
  aspect: string;
  members: Array<{ claim: Claim; vector: number[] }>;
  sum: number[];
}

/** Greedy leader clustering: each claim joins the most similar cluster of its aspect above `threshold`. */
export async function clusterClaims(claims: Claim[], embedder: TextEmbedder, threshold: number, signal?: AbortSignal): Promise<ClaimCluster[]> {
  if (claims.length === 0) return [];
  const vectors = await embedder.embed(claims.map(embeddingTextOf), signal);
  const clusters: Growing[] = [];
  claims.forEach((claim, i) => {
    const vector = vectors[i]!;
    let best: Growing | undefined;
    let bestScore = threshold;
    for (const c of clusters) {
      if (c.aspect !== claim.aspect) continue;
      const score = cosine(vector, c.sum);
      if (score >= bestScore) {
        best = c;
        bestScore = score;
      }
    }
    if (best) {
      best.members.push({ claim, vector });
      best.sum = best.sum.map((v, d) => v + vector[d]!);
    } else {
      clusters.push({ aspect: claim.aspect, members: [{ claim, vector }], sum: [...vector] });
    }
  });
  return clusters.map((c) => {
    const central = c.members.reduce((a, b) => (cosine(b.vector, c.sum) > cosine(a.vector, c.sum) ? b : a));
    return { aspect: c.aspect, claims: c.members.map((m) => m.claim), representative: central.claim.text };
  });
}
