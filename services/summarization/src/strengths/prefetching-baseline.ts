// Step E's baseline queries started early: the look-ahead asks for the prevalence of the clusters
// that already have the support to pass while step B's last answers decode, and step E finds them
// done when its clusters' central claims are the same.
import { LookAheadMemo } from "./look-ahead-memo.js";
import type { BaselineSource, ClaimPrevalence } from "./step-e-compare-baseline.js";

export class PrefetchingBaseline implements BaselineSource {
  private readonly memo = new LookAheadMemo<ClaimPrevalence>();

  constructor(private readonly inner: BaselineSource) {}

  prefetch(claim: string, restaurantId: string, signal?: AbortSignal): void {
    this.memo.prefetch(keyOf(claim, restaurantId), () => this.inner.prevalence(claim, restaurantId, signal));
  }

  prevalence(claim: string, restaurantId: string, signal?: AbortSignal): Promise<ClaimPrevalence> {
    return this.memo.get(keyOf(claim, restaurantId), () => this.inner.prevalence(claim, restaurantId, signal));
  }
}

const keyOf = (claim: string, restaurantId: string) => JSON.stringify([restaurantId, claim]);
