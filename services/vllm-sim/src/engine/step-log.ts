// The last N engine steps in typed arrays (no allocation per step), for /sim/steps and benchmarks.

export interface StepRecord {
  index: number;
  startMs: number;
  durationMs: number;
  decodeSeqs: number;
  decodeContextTokens: number;
  prefillSeqs: number;
  prefillTokens: number;
  prefillAttention: number;
  generatedTokens: number;
  preempted: number;
  running: number;
  waiting: number;
  kvUsage: number;
  /** Wall ms by which the step's results came later than its ideal wall time (timer lateness, load). */
  lagMs: number;
}

const FIELDS = [
  "index",
  "startMs",
  "durationMs",
  "decodeSeqs",
  "decodeContextTokens",
  "prefillSeqs",
  "prefillTokens",
  "prefillAttention",
  "generatedTokens",
  "preempted",
  "running",
  "waiting",
  "kvUsage",
  "lagMs",
] as const satisfies ReadonlyArray<keyof StepRecord>;

export class StepLog {
  private readonly columns: Record<keyof StepRecord, Float64Array>;
  private count = 0;

  constructor(readonly capacity: number) {
    this.columns = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(capacity)])) as Record<keyof StepRecord, Float64Array>;
  }

  get total(): number {
    return this.count;
  }

  record(step: StepRecord): void {
    const slot = this.count % this.capacity;
    for (const f of FIELDS) this.columns[f][slot] = step[f];
    this.count++;
  }

  /** The most recent steps, oldest first; `sinceIndex` keeps only steps with a larger index. */
  recent(limit: number, sinceIndex = -1): StepRecord[] {
    const n = Math.min(limit, this.capacity, this.count);
    const out: StepRecord[] = [];
    for (let k = this.count - n; k < this.count; k++) {
      const slot = k % this.capacity;
      if (this.columns.index[slot]! <= sinceIndex) continue;
      const step = {} as StepRecord;
      for (const f of FIELDS) step[f] = this.columns[f][slot]!;
      out.push(step);
    }
    return out;
  }
}
