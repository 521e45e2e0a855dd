// Sums of sample values on a /metrics page, as parsed by parse-prometheus-text-format (the
// repository's one Prometheus text parser): no Prometheus server needed.
import type { PrometheusFamily } from "parse-prometheus-text-format";

/** Sum of the named metrics' plain samples (over all label sets unless filtered); undefined when absent. */
export function sumOf(
  families: readonly PrometheusFamily[],
  names: readonly string[],
  filter: (labels: Record<string, string>) => boolean = () => true,
): number | undefined {
  let sum: number | undefined;
  for (const family of families) {
    if (!names.includes(family.name)) continue;
    for (const sample of family.metrics) {
      if (sample.value !== undefined && filter(sample.labels ?? {})) sum = (sum ?? 0) + Number(sample.value);
    }
  }
  return sum;
}
