// Restaurant states kept in memory, for a store no other process writes (VectorStore.exclusive).
// Every analysis reads its restaurant's state twice before its first LLM request (GetRestaurantStats
// for the analysis guard, then GetRepresentativeReviews), and an embedded LanceDB lookup costs about
// 6 ms, most of each call. ReviewIndex passes every state it writes through here, so a cached state
// is the stored one; after a write that failed midway the cache is dropped. lru-cache (the
// well-kept npm package) bounds it: a state holds two vectors of the embedder's dimension.
import { LRUCache } from "lru-cache";
import type { RepresentativeState } from "./domain/representative-vector.js";

/** About 7 KB a state at 384 dimensions: some 30 MB at most. */
export const CACHED_RESTAURANTS = 4_096;

export class RestaurantStateCache {
  // A restaurant known to have no state is cached as { state: undefined } (lru-cache holds no undefined values).
  private readonly entries = new LRUCache<string, { state: RepresentativeState | undefined }>({ max: CACHED_RESTAURANTS });
  // Bumped by every write: a read that began before one may have seen the state it replaced.
  private writes = 0;

  /** The cached states among `ids` and the IDs the cache does not know. */
  lookup(ids: string[]): { states: RepresentativeState[]; unknown: string[] } {
    const states: RepresentativeState[] = [];
    const unknown: string[] = [];
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry === undefined) unknown.push(id);
      else if (entry.state) states.push(entry.state);
    }
    return { states, unknown };
  }

  /** Marks a read of the store about to begin; pass it to `rememberRead` with what it read. */
  beginRead(): number {
    return this.writes;
  }

  /** What a read begun at `readAt` found for `ids`: kept only when no write came in between. */
  rememberRead(readAt: number, ids: string[], stored: RepresentativeState[]): void {
    if (readAt === this.writes) this.remember(ids, stored);
  }

  /** States just written for `ids`. */
  written(ids: string[], states: RepresentativeState[]): void {
    this.writes++;
    this.remember(ids, states);
  }

  private remember(ids: string[], stored: RepresentativeState[]): void {
    const byId = new Map(stored.map((s) => [s.restaurantId, s]));
    for (const id of ids) this.entries.set(id, { state: byId.get(id) });
  }

  /** After a write that may have stored part of its states. */
  clear(): void {
    this.writes++;
    this.entries.clear();
  }
}
