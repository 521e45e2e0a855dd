// Chooses the backend for a dispatched request: the least-loaded one, unless prefix affinity
// names the replica that served the same leading blocks most recently and it is not more loaded
// than the least-loaded one by more than the margin (so vLLM's prefix cache keeps serving them).

export type RoutingPolicy = "least-loaded" | "prefix-affinity";

export interface RoutableBackend {
  readonly id: string;
  /** Normalised load: 0 idle, 1 at its admission budget (scraped waiting adds to it). */
  readonly load: number;
}

export interface RouterOptions {
  policy: RoutingPolicy;
  /** How much more loaded than the least-loaded replica the affine one may be. */
  affinityMargin: number;
  /** Prefix blocks remembered (least recently used are forgotten). */
  maxEntries: number;
}

export interface RouteChoice<B extends RoutableBackend> {
  backend: B;
  /** Leading blocks the chosen backend served before (0 when routed by load alone). */
  matchedBlocks: number;
}

export class BackendRouter {
  // Insertion order is recency: a key is deleted and re-set when used, the oldest go first.
  private readonly lastServedBy = new Map<string, string>();

  constructor(private readonly options: RouterOptions) {}

  choose<B extends RoutableBackend>(candidates: readonly B[], prefixKeys: readonly string[]): RouteChoice<B> | undefined {
    let least: B | undefined;
    for (const b of candidates) if (!least || b.load < least.load) least = b;
    if (!least) return undefined;
    const affinity = this.affinity(prefixKeys);
    if (affinity) {
      const affine = candidates.find((b) => b.id === affinity.backendId);
      if (affine && affine.load <= least.load + this.options.affinityMargin) return { backend: affine, matchedBlocks: affinity.matchedBlocks };
    }
    return { backend: least, matchedBlocks: 0 };
  }

  /** The replica that served the longest of these leading blocks most recently, and how many of them. */
  affinity(prefixKeys: readonly string[]): { backendId: string; matchedBlocks: number } | undefined {
    if (this.options.policy !== "prefix-affinity") return undefined;
    for (let i = prefixKeys.length - 1; i >= 0; i--) {
      const backendId = this.lastServedBy.get(prefixKeys[i]!);
      if (backendId !== undefined) return { backendId, matchedBlocks: i + 1 };
    }
    return undefined;
  }

  /** Remembers that `backendId` now holds these blocks in its prefix cache. */
  record(prefixKeys: readonly string[], backendId: string): void {
    if (this.options.policy !== "prefix-affinity") return;
    for (const key of prefixKeys) {
      this.lastServedBy.delete(key);
      this.lastServedBy.set(key, backendId);
    }
    while (this.lastServedBy.size > this.options.maxEntries) {
      const oldest = this.lastServedBy.keys().next();
      if (oldest.done) break;
      this.lastServedBy.delete(oldest.value);
    }
  }

  /** Forgets a backend (removed from the pool). */
  forget(backendId: string): void {
    for (const [key, id] of this.lastServedBy) if (id === backendId) this.lastServedBy.delete(key);
  }
}
