// What flows between the strength pipeline's steps A-H.
export interface EvidenceReview {
  reviewId: string;
  text: string;
  rating: number;
}

export interface Claim {
  reviewId: string;
  aspect: string;
  text: string;
}

export interface ClaimCluster {
  aspect: string;
  claims: Claim[];
  /** The claim nearest the cluster's centroid. */
  representative: string;
}

export interface SupportedCluster extends ClaimCluster {
  /** Distinct reviews making a claim of the cluster. */
  reviewIds: string[];
  support: number;
  /** support / positive reviews considered. */
  supportShare: number;
}

export interface DistinctCluster extends SupportedCluster {
  /** Share of this restaurant's reviews matching the claim over the share of other restaurants' (lift). */
  distinctiveness: number;
}

export interface DraftStrength {
  cluster: DistinctCluster;
  statement: string;
}
