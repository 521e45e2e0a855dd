// Reads the HPA settings of the vLLM chart from its values.yaml (minReplicas, maxReplicas, behavior,
// metric targets), so the chart and the benchmark's scaler cannot drift apart.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { HpaSpec, ScalingRules } from "./hpa-algorithm.js";
import type { SignalKind } from "./scaling-signals.js";

export interface ScalerConfig {
  spec: HpaSpec;
  /** Target average value per replica, by signal. */
  targets: Partial<Record<SignalKind, number>>;
  source: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
/** A metric's name as values.yaml gives it; anything else names no metric. */
const nameOf = (v: unknown): string => (typeof v === "string" || typeof v === "number" ? String(v) : "");

/** Kubernetes quantities as values.yaml holds them: 5, "5", "500m", "1k". */
export function parseQuantity(raw: unknown, where: string): number {
  const s = String(raw).trim();
  const m = /^(-?[0-9.]+)(m|k|M)?$/.exec(s);
  if (!m) throw new Error(`${where}: "${s}" is not a quantity`);
  const factor = { m: 1e-3, k: 1e3, M: 1e6 }[m[2] ?? ""] ?? 1;
  return Number(m[1]) * factor;
}

function signalOf(rawName: string): SignalKind | undefined {
  // vllm:num_requests_waiting, numRequestsWaiting and num-requests-waiting all name the same metric.
  const metricName = rawName.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase().replace(/[:-]/g, "_");
  if (metricName.includes("num_requests_waiting")) return "vllm-waiting";
  if (metricName.includes("queue_depth") || metricName.includes("queue")) return "gateway-queue";
  return undefined;
}

/** The first `autoscaling` block: at the top (a component chart) or under a component key (the umbrella). */
function findAutoscaling(values: Json, preferKeys: readonly string[]): Json | undefined {
  if (isObject(values["autoscaling"])) return values["autoscaling"];
  for (const key of preferKeys) {
    const c = values[key];
    if (isObject(c) && isObject(c["autoscaling"])) return c["autoscaling"];
  }
  return undefined;
}

function targetsFrom(autoscaling: Json, where: string): Partial<Record<SignalKind, number>> {
  const targets: Partial<Record<SignalKind, number>> = {};
  const metrics = autoscaling["metrics"];
  const visit = (name: string, target: unknown, path: string) => {
    const kind = signalOf(name);
    if (kind && target !== undefined && target !== null) targets[kind] ??= parseQuantity(target, path);
  };
  if (Array.isArray(metrics)) {
    // Native autoscaling/v2 MetricSpec entries.
    metrics.forEach((m: unknown, i) => {
      if (!isObject(m)) return;
      for (const kind of ["pods", "object", "external"]) {
        const spec = m[kind];
        if (!isObject(spec)) continue;
        const metric = isObject(spec["metric"]) ? spec["metric"] : {};
        const target = isObject(spec["target"]) ? spec["target"] : {};
        visit(nameOf(metric["name"]), target["averageValue"] ?? target["value"], `${where} autoscaling.metrics[${i}]`);
      }
    });
  }
  // Chart-specific shapes: { <name>: { metricName?, targetAverageValue | averageValue | target } } or <name>: number.
  const entries = isObject(metrics) ? Object.entries(metrics) : Object.entries(autoscaling);
  for (const [key, v] of entries) {
    if (isObject(v)) {
      if (v["enabled"] === false) continue;
      visit(`${key} ${nameOf(v["metricName"] ?? v["name"] ?? v["metric"])}`, v["targetAverageValue"] ?? v["averageValue"] ?? v["target"] ?? v["targetValue"] ?? v["value"], `${where} autoscaling.${key}`);
    } else if (typeof v === "number" || typeof v === "string") {
      if (key !== "engine") visit(key, v, `${where} autoscaling.${key}`);
    }
  }
  return targets;
}

function rulesFrom(raw: unknown): Partial<ScalingRules> | undefined {
  if (!isObject(raw)) return undefined;
  const rules: Partial<ScalingRules> = {};
  if (raw["stabilizationWindowSeconds"] !== undefined) rules.stabilizationWindowSeconds = Number(raw["stabilizationWindowSeconds"]);
  if (raw["selectPolicy"] !== undefined) rules.selectPolicy = raw["selectPolicy"] as ScalingRules["selectPolicy"];
  if (raw["tolerance"] !== undefined) rules.tolerance = parseQuantity(raw["tolerance"], "behavior tolerance");
  if (Array.isArray(raw["policies"])) {
    rules.policies = raw["policies"].map((p: Json) => ({ type: p["type"] as "Pods" | "Percent", value: Number(p["value"]), periodSeconds: Number(p["periodSeconds"]) }));
  }
  return rules;
}

export function hpaConfigFromValues(text: string, source: string, preferKeys: readonly string[] = ["vllm-sim", "vllmSim", "vllm"]): ScalerConfig {
  const values = parse(text) as unknown;
  if (!isObject(values)) throw new Error(`${source}: not a YAML mapping`);
  const autoscaling = findAutoscaling(values, preferKeys);
  if (!autoscaling) throw new Error(`${source}: no autoscaling block`);
  const behavior = isObject(autoscaling["behavior"]) ? autoscaling["behavior"] : {};
  const spec: HpaSpec = {
    minReplicas: Number(autoscaling["minReplicas"] ?? 1),
    maxReplicas: Number(autoscaling["maxReplicas"] ?? 20),
    behavior: { scaleUp: rulesFrom(behavior["scaleUp"]), scaleDown: rulesFrom(behavior["scaleDown"]) },
  };
  if (!Number.isInteger(spec.minReplicas) || !Number.isInteger(spec.maxReplicas)) throw new Error(`${source}: minReplicas/maxReplicas must be integers`);
  return { spec, targets: targetsFrom(autoscaling, source), source };
}

export function readHpaValues(path: string): ScalerConfig {
  return hpaConfigFromValues(readFileSync(path, "utf8"), path);
}
