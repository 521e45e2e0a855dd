// What a GPU pod did over the day, on the benchmark's virtual clock: off, loading its model (billed),
// or on. Pure: state changes in, billed time and the state at any moment out.

export type PodState = "off" | "loading" | "on";

export class PodTimeline {
  private readonly changes: Array<{ at: number; state: PodState }>;

  constructor(initial: PodState, at = 0) {
    this.changes = [{ at, state: initial }];
  }

  get state(): PodState {
    return this.changes.at(-1)!.state;
  }

  set(state: PodState, at: number): void {
    if (at < this.changes.at(-1)!.at) throw new Error(`state changes must come in time order (${at} < ${this.changes.at(-1)!.at})`);
    if (state !== this.state) this.changes.push({ at, state });
  }

  stateAt(t: number): PodState {
    let state = this.changes[0]!.state;
    for (const c of this.changes) {
      if (c.at > t) break;
      state = c.state;
    }
    return state;
  }

  /** Time the pod was billed (loading or on) between `from` and `to`. */
  billedMs(from: number, to: number): number {
    let billed = 0;
    this.changes.forEach((c, i) => {
      if (c.state === "off") return;
      const end = Math.min(this.changes[i + 1]?.at ?? to, to);
      const start = Math.max(c.at, from);
      if (end > start) billed += end - start;
    });
    return billed;
  }

  /** How many times it entered `state` after the first moment. */
  entered(state: PodState): number {
    return this.changes.slice(1).filter((c) => c.state === state).length;
  }
}
