// While step B's last answers decode, steps C-F run on the claims already in, and the clusters that
// pass so far get their step E query and their step G statement started. The pipeline's own steps
// then run on every claim as before and take what was started for the same input (the same central
// claim, the very same statement prompt), so the result is the one without the look-ahead; what the
// last answers changed is asked then. E's queries start once a share `baselineAfter` of B's answers
// is in, G's statements once `statementsAfter` is: the earlier, the more clusters change after and
// the more of what was started goes unused (a query is cheap, a statement costs tokens).
import { setMaxListeners } from "node:events";
import { clusterClaims, type TextEmbedder } from "./step-c-cluster-claims.js";
import { countSupport } from "./step-d-count-support.js";
import { compareWithBaseline } from "./step-e-compare-baseline.js";
import { filterClusters, hasSupport, type StrengthThresholds } from "./step-f-filter.js";
import type { PrefetchingBaseline } from "./prefetching-baseline.js";
import type { StatementWriter } from "./step-g-write-statements.js";
import type { Claim, EvidenceReview } from "./strength-types.js";

export interface LookAheadDeps {
  /** The evidence reviews in step B's order (step C clusters their claims in this order). */
  reviews: EvidenceReview[];
  embedder: TextEmbedder;
  baseline: PrefetchingBaseline;
  statements: StatementWriter;
  clusterSimilarity: number;
  thresholds: StrengthThresholds;
  restaurantId: string;
  /** Share of step B's answers in (0-1) from which E's queries start; 1: not before B ends. */
  baselineAfter: number;
  /** Share of step B's answers in (0-1) from which G's statements start; 1: not before B ends. */
  statementsAfter: number;
}

export class StrengthLookAhead {
  private readonly arrived = new Map<string, Claim[]>();
  private readonly controller = new AbortController();
  private running = false;
  private rerun = false;

  private readonly unlink: () => void;

  constructor(
    private readonly deps: LookAheadDeps,
    signal?: AbortSignal,
  ) {
    // Every request the look-ahead starts listens to it: more than the default limit of ten.
    setMaxListeners(0, this.controller.signal);
    const follow = () => this.controller.abort(signal?.reason);
    if (signal?.aborted) follow();
    signal?.addEventListener("abort", follow, { once: true });
    // A batch's restaurants share their call's signal: each pipeline takes its listener off when it ends.
    this.unlink = () => signal?.removeEventListener("abort", follow);
  }

  /** A review's claims arrived from step B (none when it praises nothing). */
  onClaims(reviewId: string, claims: Claim[]): void {
    this.arrived.set(reviewId, claims);
    if (this.arrived.size < this.deps.reviews.length && this.reached(Math.min(this.deps.baselineAfter, this.deps.statementsAfter))) this.schedule();
  }

  private reached(share: number): boolean {
    return this.arrived.size >= share * this.deps.reviews.length;
  }

  /** Cancels what was started and is still running: the pipeline has what it needs. */
  stop(): void {
    this.unlink();
    this.controller.abort(new Error("the strength pipeline finished"));
  }

  /** One pass at a time; an answer that arrives during a pass runs one more after it. */
  private schedule(): void {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    void this.pass()
      // A look-ahead's failure is nobody's error: the pipeline's steps ask for themselves.
      .catch(() => undefined)
      .finally(() => {
        this.running = false;
        if (this.rerun && !this.controller.signal.aborted) {
          this.rerun = false;
          this.schedule();
        }
      });
  }

  private async pass(): Promise<void> {
    const { reviews, embedder, baseline, statements, clusterSimilarity, thresholds, restaurantId, baselineAfter, statementsAfter } = this.deps;
    // Decided on the answers in when the pass starts, as the claims it clusters are.
    const [queries, statementsToo] = [this.reached(baselineAfter), this.reached(statementsAfter)];
    const signal = this.controller.signal;
    const claims = reviews.flatMap((r) => this.arrived.get(r.reviewId) ?? []);
    const clusters = await clusterClaims(claims, embedder, clusterSimilarity, signal);
    // Support can only grow with the answers still out: a cluster short of it now may pass later.
    const candidates = countSupport(clusters, reviews.length).filter((c) => hasSupport(c, thresholds));
    if (queries) for (const c of candidates) baseline.prefetch(c.representative, restaurantId, signal);
    if (!statementsToo) return;
    // Each cluster's statement as soon as its own query says it passes, not after the slowest query.
    await Promise.all(
      candidates.map(async (candidate) => {
        const { clusters: distinct } = await compareWithBaseline([candidate], baseline, restaurantId, signal);
        if (signal.aborted) return;
        for (const c of filterClusters(distinct, thresholds)) statements.prefetch(c, signal);
      }),
    );
  }
}
