// The last minute of answered requests, for GetStatus: goodput (requests/s that met the TTFT SLO)
// and SLO compliance (their share).

export interface SloSnapshot {
  goodputRequestsPerSecond: number;
  /** 1 when nothing was answered in the window. */
  sloCompliance: number;
}

export class SloWindow {
  private readonly recent: Array<{ at: number; metSlo: boolean }> = [];

  constructor(
    private readonly windowMs = 60_000,
    /** Bounds memory under any load; beyond it the oldest answers are forgotten early. */
    private readonly maxEntries = 100_000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  record(metSlo: boolean): void {
    this.recent.push({ at: this.clock(), metSlo });
    if (this.recent.length > this.maxEntries) this.recent.shift();
  }

  snapshot(): SloSnapshot {
    const since = this.clock() - this.windowMs;
    while (this.recent.length > 0 && this.recent[0]!.at < since) this.recent.shift();
    const met = this.recent.filter((r) => r.metSlo).length;
    return {
      goodputRequestsPerSecond: met / (this.windowMs / 1_000),
      sloCompliance: this.recent.length === 0 ? 1 : met / this.recent.length,
    };
  }
}
