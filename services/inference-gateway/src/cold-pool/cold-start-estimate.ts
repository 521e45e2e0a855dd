// The expected cold start of the pool (first request held -> a backend healthy): the configured
// value until a wake has been measured, then the median of the last few measured wakes (what
// callers really waited, autoscaler reaction included).

export class ColdStartEstimate {
  private readonly samples: number[] = [];

  constructor(
    private readonly configuredMs: number,
    private readonly window = 5,
  ) {}

  observe(ms: number): void {
    this.samples.push(ms);
    if (this.samples.length > this.window) this.samples.shift();
  }

  get measured(): number {
    return this.samples.length;
  }

  get expectedMs(): number {
    if (this.samples.length === 0) return this.configuredMs;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
}
