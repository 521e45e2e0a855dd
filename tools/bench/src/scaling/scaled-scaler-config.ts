// Fitting the chart's HPA settings to a small local run, explicitly and in one place: the control
// loop's time constants shrink by one factor (the load profile is minutes, not hours), and the
// per-replica targets follow replica capacity (sized for vLLM's max_num_seqs, run here with fewer).
import type { HpaSpec, ScalingRules } from "./hpa-algorithm.js";
import type { ScalerConfig } from "./helm-hpa-values.js";

export interface LocalFit {
  /** Multiplies stabilization windows and policy periods. */
  behaviorScale: number;
  /** Multiplies the per-replica targets (local max_num_seqs / the chart's). */
  capacityScale: number;
  maxReplicas?: number;
}

function scaleRules(rules: Partial<ScalingRules> | undefined, k: number): Partial<ScalingRules> | undefined {
  if (!rules) return undefined;
  return {
    ...rules,
    ...(rules.stabilizationWindowSeconds !== undefined ? { stabilizationWindowSeconds: rules.stabilizationWindowSeconds * k } : {}),
    ...(rules.policies ? { policies: rules.policies.map((p) => ({ ...p, periodSeconds: p.periodSeconds * k })) } : {}),
  };
}

export function fitScalerConfig(config: ScalerConfig, fit: LocalFit): ScalerConfig {
  const spec: HpaSpec = {
    ...config.spec,
    maxReplicas: fit.maxReplicas ?? config.spec.maxReplicas,
    minReplicas: Math.min(config.spec.minReplicas, fit.maxReplicas ?? config.spec.maxReplicas),
    behavior: { scaleUp: scaleRules(config.spec.behavior?.scaleUp, fit.behaviorScale), scaleDown: scaleRules(config.spec.behavior?.scaleDown, fit.behaviorScale) },
  };
  const targets = Object.fromEntries(Object.entries(config.targets).map(([k, v]) => [k, v * fit.capacityScale]));
  return { spec, targets, source: config.source };
}
