// The design notes' cost rule: stopping pays off only when the expected idle time costs more than a restart.

export interface ColdStartCostInput {
  /** Measured seconds from "start the pod" to "vLLM answers" (pod start + model load). */
  coldStartSeconds: number;
  /** What the GPU pod costs per hour, in dollars. */
  hourlyPriceDollars: number;
  checkIntervalSeconds: number;
}

export interface ColdStartIdleLimit {
  /** Consecutive idle checks before a stop. */
  idleLimit: number;
  coldStartCostDollars: number;
  idleCostPerMinuteDollars: number;
  /** Idle time whose cost equals one cold start: waiting longer than this wastes more than a restart costs. */
  breakEvenIdleSeconds: number;
}

/**
 * optimal idle time = cold-start cost / idle cost per unit of time. Both are paid at the same hourly
 * price, so the break-even idle time equals the cold-start time (3 min start at $1.50/h: $0.075 /
 * $0.025 per min = 3 min); the price still sets the dollars reported.
 */
export function idleLimitFromColdStart(input: ColdStartCostInput): ColdStartIdleLimit {
  const perSecond = input.hourlyPriceDollars / 3600;
  const coldStartCostDollars = input.coldStartSeconds * perSecond;
  const breakEvenIdleSeconds = coldStartCostDollars / perSecond;
  return {
    idleLimit: Math.max(1, Math.ceil(breakEvenIdleSeconds / input.checkIntervalSeconds - 1e-9)),
    coldStartCostDollars,
    idleCostPerMinuteDollars: perSecond * 60,
    breakEvenIdleSeconds,
  };
}
