// The utilisation below which a GPU counts as idle: a fixed percentage, or one that adapts to recent use.

export interface IdleThreshold {
  /** The threshold (percent) that judges the next sample. */
  current(): number;
  /** Records one check's utilisation (the busiest GPU of the node). */
  observe(utilizationPercent: number): void;
  readonly description: string;
}

export function fixedThreshold(percent: number): IdleThreshold {
  return { current: () => percent, observe: () => {}, description: `fixed ${percent}%` };
}

export interface AdaptiveThresholdOptions {
  /** Used until `window` samples have been seen. */
  initialPercent: number;
  /** How many recent samples make "recent" (the design notes: 10). */
  window?: number;
  /** Fraction of the recent average (the design notes: 10%). */
  fraction?: number;
  /** Never below this (the design notes: 3%), so noise on an idle GPU never reads as busy. */
  floorPercent?: number;
}

/**
 * The design notes' refinement: 10% of the recent average utilisation, at least 3%. A GPU that ran at
 * 80% counts as idle below 8%; one that idles around 1-2% keeps the 3% floor. The sample being judged
 * is not part of its own average, so a sudden spike cannot raise the bar that judges it.
 */
export function adaptiveThreshold(options: AdaptiveThresholdOptions): IdleThreshold {
  const window = options.window ?? 10;
  const fraction = options.fraction ?? 0.1;
  const floor = options.floorPercent ?? 3;
  const recent: number[] = [];
  return {
    current() {
      if (recent.length < window) return options.initialPercent;
      const average = recent.reduce((sum, u) => sum + u, 0) / recent.length;
      return Math.max(floor, average * fraction);
    },
    observe(utilizationPercent) {
      recent.push(utilizationPercent);
      if (recent.length > window) recent.shift();
    },
    description: `adaptive: ${fraction * 100}% of the last ${window} samples' average, at least ${floor}% (${options.initialPercent}% until then)`,
  };
}
