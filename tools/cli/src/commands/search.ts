// `reviewlens search TEXT` and `reviewlens images TEXT`.
import type { ServiceClients } from "../connection.js";

export interface SearchOptions {
  restaurant?: string | undefined;
  topK: number;
  /** Reviews only: the cosine similarity a hit must reach (vector-search checks the range). */
  minScore?: number | undefined;
  signal?: AbortSignal;
}

export async function searchReviews(clients: ServiceClients, text: string, options: SearchOptions) {
  return clients.vectorSearch.searchSimilarReviews(
    {
      query: { $case: "text", value: text },
      topK: options.topK,
      ...(options.minScore !== undefined ? { minScore: options.minScore } : {}),
      ...(options.restaurant ? { filter: { restaurantId: options.restaurant } } : {}),
    },
    clients.callOptions(options.signal),
  );
}

export async function searchImages(clients: ServiceClients, text: string, options: SearchOptions) {
  return clients.vectorSearch.searchImages({ query: text, topK: options.topK, restaurantId: options.restaurant ?? "", expansions: 3 }, clients.callOptions(options.signal));
}
