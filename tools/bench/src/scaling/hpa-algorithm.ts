// The Kubernetes HorizontalPodAutoscaler algorithm (autoscaling/v2), ported from the documented
// behaviour and pkg/controller/podautoscaler: per-metric proposals with a tolerance, the maximum
// over metrics, stabilization windows over past recommendations, then scale-up/down rate policies
// over past scale events and min/max bounds. Pure: time comes in as seconds, no I/O.

export interface ScalingPolicy {
  type: "Pods" | "Percent";
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: "Max" | "Min" | "Disabled";
  policies: ScalingPolicy[];
  /** Per-direction tolerance (HPAConfigurableTolerance); unset: the controller's default. */
  tolerance?: number;
}

export interface HpaBehavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

export interface HpaSpec {
  minReplicas: number;
  maxReplicas: number;
  behavior?: { scaleUp?: Partial<ScalingRules> | undefined; scaleDown?: Partial<ScalingRules> | undefined };
  /** --horizontal-pod-autoscaler-tolerance, 0.1 by default. */
  tolerance?: number;
}

/** The API server's defaults for spec.behavior. */
export const DEFAULT_BEHAVIOR: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Percent", value: 100, periodSeconds: 15 },
      { type: "Pods", value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
};

export const DEFAULT_TOLERANCE = 0.1;

export function resolveBehavior(spec: HpaSpec): HpaBehavior {
  return {
    scaleUp: { ...DEFAULT_BEHAVIOR.scaleUp, ...spec.behavior?.scaleUp },
    scaleDown: { ...DEFAULT_BEHAVIOR.scaleDown, ...spec.behavior?.scaleDown },
  };
}

export interface Tolerances {
  up: number;
  down: number;
}

const withinTolerance = (ratio: number, t: Tolerances) => ratio >= 1 - t.down && ratio <= 1 + t.up;

/** One pod's sample of a Pods metric; `value` undefined when the pod reported none. */
export interface PodSample {
  ready: boolean;
  value?: number | undefined;
}

/**
 * A Pods metric with an AverageValue target (e.g. vllm:num_requests_waiting per pod):
 * replica_calculator.go's calcPlainMetricReplicas. Unready (still starting) pods are left out of
 * the average; on scale-up they count as 0 and missing metrics count as 0, on scale-down missing
 * metrics count as the target, and a proposal that flips direction or lands within tolerance keeps
 * the current count.
 */
export function podsMetricReplicas(currentReplicas: number, pods: readonly PodSample[], target: number, tolerance: Tolerances): number {
  const ready = pods.filter((p) => p.ready && p.value !== undefined).map((p) => p.value!);
  const unready = pods.filter((p) => !p.ready).length;
  const missing = pods.filter((p) => p.ready && p.value === undefined).length;
  if (ready.length === 0) return currentReplicas;
  const ratio = ready.reduce((a, b) => a + b, 0) / ready.length / target;
  const scaleUpWithUnready = unready > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing === 0) {
    if (withinTolerance(ratio, tolerance)) return currentReplicas;
    return Math.ceil(ratio * ready.length);
  }
  const filled = [...ready];
  if (missing > 0) for (let i = 0; i < missing; i++) filled.push(ratio < 1 ? target : 0);
  if (scaleUpWithUnready) for (let i = 0; i < unready; i++) filled.push(0);
  const newRatio = filled.reduce((a, b) => a + b, 0) / filled.length / target;
  if (withinTolerance(newRatio, tolerance) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return currentReplicas;
  const proposed = Math.ceil(newRatio * filled.length);
  if ((newRatio < 1 && proposed > currentReplicas) || (newRatio > 1 && proposed < currentReplicas)) return currentReplicas;
  return proposed;
}

/**
 * An Object/External metric with an AverageValue target (e.g. the gateway's queue depth divided
 * over the replicas): GetExternalPerPodMetricReplicas, desired = ceil(total / target per replica).
 */
export function averageValueReplicas(currentReplicas: number, total: number, targetPerReplica: number, tolerance: Tolerances): number {
  const ratio = currentReplicas > 0 ? total / (targetPerReplica * currentReplicas) : total > 0 ? Infinity : 1;
  if (withinTolerance(ratio, tolerance)) return currentReplicas;
  return Math.ceil(total / targetPerReplica);
}

export interface MetricProposal {
  metric: string;
  value: number;
  target: number;
  replicas: number;
}

export interface ScalingDecision {
  currentReplicas: number;
  /** The largest of the metrics' proposals (or the bound that applies). */
  metricDesiredReplicas: number;
  /** After the stabilization windows. */
  stabilizedReplicas: number;
  desiredReplicas: number;
  /** Kubernetes' condition reasons: ScaleUpStabilized, ScaleDownLimit, TooManyReplicas, ... */
  reason: string;
  metrics: MetricProposal[];
}

interface Timestamped {
  at: number;
  value: number;
}

export class HorizontalPodAutoscaler {
  readonly behavior: HpaBehavior;
  private readonly tolerance: number;
  private recommendations: Timestamped[] | undefined;
  private readonly scaleUpEvents: Timestamped[] = [];
  private readonly scaleDownEvents: Timestamped[] = [];

  constructor(readonly spec: HpaSpec) {
    if (!(spec.minReplicas >= 1) || spec.maxReplicas < spec.minReplicas) throw new RangeError(`need 1 <= minReplicas <= maxReplicas (got ${spec.minReplicas}, ${spec.maxReplicas})`);
    this.behavior = resolveBehavior(spec);
    this.tolerance = spec.tolerance ?? DEFAULT_TOLERANCE;
  }

  get tolerances(): Tolerances {
    return { up: this.behavior.scaleUp.tolerance ?? this.tolerance, down: this.behavior.scaleDown.tolerance ?? this.tolerance };
  }

  /**
   * One reconcile at `now` seconds. The caller is assumed to actuate the returned count: scale
   * events are recorded here, as the controller records them after a successful rescale.
   */
  reconcile(now: number, currentReplicas: number, metrics: readonly MetricProposal[]): ScalingDecision {
    let metricDesired: number;
    let reason: string;
    let desired: number;
    let stabilized: number;
    if (currentReplicas > this.spec.maxReplicas) {
      metricDesired = stabilized = desired = this.spec.maxReplicas;
      reason = "TooManyReplicas";
    } else if (currentReplicas < this.spec.minReplicas) {
      metricDesired = stabilized = desired = this.spec.minReplicas;
      reason = "TooFewReplicas";
    } else {
      metricDesired = metrics.length > 0 ? Math.max(...metrics.map((m) => m.replicas)) : currentReplicas;
      this.recommendations ??= [{ at: now, value: currentReplicas }];
      stabilized = this.stabilize(now, currentReplicas, metricDesired);
      [desired, reason] = this.applyRateLimits(now, currentReplicas, stabilized);
      if (reason === "DesiredWithinRange" && stabilized !== metricDesired) reason = metricDesired >= currentReplicas ? "ScaleUpStabilized" : "ScaleDownStabilized";
    }
    if (desired > currentReplicas) this.scaleUpEvents.push({ at: now, value: desired - currentReplicas });
    if (desired < currentReplicas) this.scaleDownEvents.push({ at: now, value: currentReplicas - desired });
    return { currentReplicas, metricDesiredReplicas: metricDesired, stabilizedReplicas: stabilized, desiredReplicas: desired, reason, metrics: [...metrics] };
  }

  private stabilize(now: number, current: number, desired: number): number {
    const upCutoff = now - this.behavior.scaleUp.stabilizationWindowSeconds;
    const downCutoff = now - this.behavior.scaleDown.stabilizationWindowSeconds;
    let up = desired;
    let down = desired;
    const recs = this.recommendations!;
    let oldIndex = -1;
    recs.forEach((rec, i) => {
      if (rec.at > upCutoff) up = Math.min(rec.value, up);
      if (rec.at > downCutoff) down = Math.max(rec.value, down);
      if (rec.at < upCutoff && rec.at < downCutoff) oldIndex = i;
    });
    let recommendation = current;
    if (recommendation < up) recommendation = up;
    if (recommendation > down) recommendation = down;
    // Keep the unstabilized recommendation, reusing an expired slot as the controller does.
    if (oldIndex >= 0) recs[oldIndex] = { at: now, value: desired };
    else recs.push({ at: now, value: desired });
    return recommendation;
  }

  private applyRateLimits(now: number, current: number, desired: number): [number, string] {
    if (desired > current) {
      const limit = Math.max(current, this.scaleUpLimit(now, current));
      const [maxAllowed, reason] = this.spec.maxReplicas > limit ? [limit, "ScaleUpLimit"] : [this.spec.maxReplicas, "TooManyReplicas"];
      if (desired > maxAllowed) return [maxAllowed, reason];
    } else if (desired < current) {
      const limit = Math.min(current, this.scaleDownLimit(now, current));
      const [minAllowed, reason] = this.spec.minReplicas < limit ? [limit, "ScaleDownLimit"] : [this.spec.minReplicas, "TooFewReplicas"];
      if (desired < minAllowed) return [minAllowed, reason];
    }
    return [desired, "DesiredWithinRange"];
  }

  private periodStart(now: number, current: number, periodSeconds: number): number {
    const within = (events: Timestamped[]) => events.filter((e) => e.at > now - periodSeconds).reduce((a, e) => a + e.value, 0);
    return current - within(this.scaleUpEvents) + within(this.scaleDownEvents);
  }

  private scaleUpLimit(now: number, current: number): number {
    const rules = this.behavior.scaleUp;
    if (rules.selectPolicy === "Disabled") return current;
    const proposals = rules.policies.map((p) => {
      const start = this.periodStart(now, current, p.periodSeconds);
      // Rounded up, or a small percentage of few pods would never add one.
      return p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    });
    return rules.selectPolicy === "Min" ? Math.min(...proposals) : Math.max(...proposals);
  }

  private scaleDownLimit(now: number, current: number): number {
    const rules = this.behavior.scaleDown;
    if (rules.selectPolicy === "Disabled") return current;
    const proposals = rules.policies.map((p) => {
      const start = this.periodStart(now, current, p.periodSeconds);
      return p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    });
    return rules.selectPolicy === "Min" ? Math.max(...proposals) : Math.min(...proposals);
  }
}
