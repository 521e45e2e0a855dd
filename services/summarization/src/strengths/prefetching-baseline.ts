// Step E's baseline queries started before step E: step B hands over each review's claims as its
// answer arrives, and each distinct claim's prevalence is asked while the longest answer still
// decodes. A cluster's representative is one of its claims, so step E finds its candidates already
// counted instead of waiting for one search per cluster after clustering. The queries are the ones
// step E would send (the claim's text), so the counts are the same; claims of clusters step E never
// compares cost a search each on vector-search, no LLM token. A prefetch that failed is asked again
// when step E needs it.
import type { BaselineSource, ClaimPrevalence } from "./step-e-compare-baseline.js";

export class PrefetchingBaseline implements BaselineSource {
  private readonly started = new Map<string, Promise<ClaimPrevalence>>();

  constructor(private readonly inner: BaselineSource) {}

  /** Starts the queries of the claims not started yet; returns at once. */
  prefetch(claims: string[], restaurantId: string, signal?: AbortSignal): void {
    for (const claim of claims) if (!this.started.has(keyOf(claim, restaurantId))) void this.start(claim, restaurantId, signal);
  }

  async prevalence(claim: string, restaurantId: string, signal?: AbortSignal): Promise<ClaimPrevalence> {
    const prefetched = this.started.get(keyOf(claim, restaurantId));
    if (prefetched) {
      try {
        return await prefetched;
      } catch {
        // Asked again below: an early transient error costs what it cost before.
      }
    }
    return this.start(claim, restaurantId, signal);
  }

  private start(claim: string, restaurantId: string, signal?: AbortSignal): Promise<ClaimPrevalence> {
    const query = this.inner.prevalence(claim, restaurantId, signal);
    // Settled by prevalence(); a rejection before then is not unhandled.
    query.catch(() => undefined);
    this.started.set(keyOf(claim, restaurantId), query);
    return query;
  }
}

const keyOf = (claim: string, restaurantId: string) => `${restaurantId}\n${claim}`;
