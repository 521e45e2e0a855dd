// Step H: validate each strength (a statement, evidence that exists in the context and made one of
// the cluster's claims) and rank by support and distinctiveness.
import type { summarization } from "@reviewlens/contracts";
import type { DraftStrength } from "./strength-types.js";

const MAX_STATEMENT_CHARS = 200;

export function strengthScore(supportShare: number, distinctiveness: number): number {
  return supportShare * Math.log2(1 + distinctiveness);
}

export function validateAndRank(
  drafts: DraftStrength[],
  contextReviewIds: ReadonlySet<string>,
  maxStrengths: number,
): { strengths: summarization.Strength[]; warnings: string[] } {
  const warnings: string[] = [];
  const valid: summarization.Strength[] = [];
  for (const { cluster, statement } of drafts) {
    const claimants = new Set(cluster.claims.map((c) => c.reviewId));
    const evidence = cluster.reviewIds.filter((id) => contextReviewIds.has(id) && claimants.has(id));
    const dropped = cluster.reviewIds.length - evidence.length;
    if (dropped > 0) warnings.push(`strength "${cluster.representative}": removed ${dropped} evidence reviews not in the context`);
    const text = statement.replace(/\s+/g, " ").trim();
    if (!text || text.length > MAX_STATEMENT_CHARS) {
      warnings.push(`strength "${cluster.representative}": statement rejected (${text ? "too long" : "empty"})`);
      continue;
    }
    if (evidence.length === 0) {
      warnings.push(`strength "${cluster.representative}": no evidence left`);
      continue;
    }
    valid.push({
      aspect: cluster.aspect,
      statement: text,
      evidenceReviewIds: evidence,
      support: evidence.length,
      distinctiveness: cluster.distinctiveness,
      score: strengthScore(cluster.supportShare, cluster.distinctiveness),
    });
  }
  valid.sort((a, b) => b.score - a.score || b.support - a.support);
  return { strengths: valid.slice(0, maxStrengths), warnings };
}
