// Reads a Prometheus /metrics page: fetch it, parse the text format, sum the series of one metric.
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { known, unknown, type Reading } from "../signals.js";

/** Metric name -> the sum of its series (all label sets). */
export type MetricSums = ReadonlyMap<string, number>;

/** Parses the text format into per-metric sums of plain values (counters, gauges, untyped). */
export function sumMetrics(text: string): MetricSums {
  const sums = new Map<string, number>();
  for (const family of parsePrometheusTextFormat(text)) {
    let sum = 0;
    let seen = false;
    for (const sample of family.metrics) {
      if (sample.value === undefined) continue;
      const n = Number(sample.value);
      if (!Number.isFinite(n)) continue;
      sum += n;
      seen = true;
    }
    if (seen) sums.set(family.name, sum);
  }
  return sums;
}

/** Fetches and parses one /metrics page; any failure (refused, timeout, non-200) is unknown. */
export async function scrapeMetrics(url: string, signal: AbortSignal, timeoutMs: number): Promise<Reading<MetricSums>> {
  try {
    const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
    const text = await response.text();
    if (!response.ok) return unknown(`${url} answered ${response.status}`);
    return known(sumMetrics(text));
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return unknown(`${url} unreachable (${error instanceof Error ? error.message : String(error)}${cause})`);
  }
}

/** Picks the named metrics; a missing required one makes the whole reading unknown. */
export function pick<K extends string>(
  reading: Reading<MetricSums>,
  source: string,
  required: readonly K[],
  optional: readonly K[] = [],
): Reading<Record<K, number>> {
  if (!reading.known) return reading;
  const out = {} as Record<K, number>;
  const missing: string[] = [];
  for (const name of required) {
    const v = reading.value.get(name);
    if (v === undefined) missing.push(name);
    else out[name] = v;
  }
  // Optional counters appear only after their first increment: absent means none yet.
  for (const name of optional) out[name] = reading.value.get(name) ?? 0;
  return missing.length > 0 ? unknown(`${source} has no ${missing.join(", ")}`) : known(out);
}
