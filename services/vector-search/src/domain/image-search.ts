// Image search: expand the query through the LLM, search image captions for each query, fuse the
// ranked lists by reciprocal rank and drop repeated photos.
import type { ReviewImage } from "./review.js";
import { reciprocalRankFusion, type RankedList } from "./reciprocal-rank-fusion.js";

export interface ImageCandidate extends ReviewImage {
  reviewId: string;
  restaurantId: string;
  similarity: number;
}

export interface ImageSearchDeps {
  /** Related queries; may throw (the search then runs on the original query alone). */
  expand(query: string, count: number, signal?: AbortSignal): Promise<string[]>;
  /** Images nearest each query, best first. */
  searchEach(queries: string[], limit: number, signal?: AbortSignal): Promise<ImageCandidate[][]>;
}

export interface ImageSearchResult {
  images: Array<ImageCandidate & { score: number; matchedQueries: string[] }>;
  expandedQueries: string[];
  /** Why expansion was not used, when it failed. */
  expansionError?: string;
}

// Each query fetches more than top_k so that fusion has overlap to work with.
const CANDIDATES_PER_QUERY_FACTOR = 3;

/** The same photo attached to several reviews (same URL) is one result. */
export function imageKey(image: ImageCandidate): string {
  return image.url !== "" ? `url:${image.url}` : `id:${image.reviewId}/${image.imageId}`;
}

export async function searchImages(
  request: { query: string; topK: number; expansions: number },
  deps: ImageSearchDeps,
  signal?: AbortSignal,
): Promise<ImageSearchResult> {
  let expandedQueries: string[] = [];
  let expansionError: string | undefined;
  if (request.expansions > 0) {
    try {
      expandedQueries = await deps.expand(request.query, request.expansions, signal);
    } catch (error) {
      signal?.throwIfAborted();
      expansionError = error instanceof Error ? error.message : String(error);
    }
  }
  const queries = [request.query, ...expandedQueries];
  const perQuery = await deps.searchEach(queries, request.topK * CANDIDATES_PER_QUERY_FACTOR, signal);
  const lists: RankedList<ImageCandidate>[] = queries.map((query, i) => ({
    query,
    hits: (perQuery[i] ?? []).map((item) => ({ key: imageKey(item), item })),
  }));
  const images = reciprocalRankFusion(lists)
    .slice(0, request.topK)
    .map((hit) => ({ ...hit.item, score: hit.score, matchedQueries: hit.matchedQueries }));
  return { images, expandedQueries, ...(expansionError ? { expansionError } : {}) };
}
