// Reading a service's /metrics text (the Prometheus exposition format) in tests.

export interface PrometheusSample {
  /** "_bucket", "_count", "_sum", or "" for a plain sample. */
  part: string;
  /** The label set as printed, e.g. `le="0.1",gen_ai_operation_name="chat"`. */
  labels: string;
  value: number;
}

/**
 * The samples of `metric` (with or without the unit suffix the exporter may add, `_seconds`) whose
 * labels include `labels`.
 */
export function prometheusSeries(text: string, metric: string, labels: Record<string, string> = {}): PrometheusSample[] {
  return text
    .split("\n")
    .map((line) => /^([a-z_]+?)(?:_seconds)?(_bucket|_count|_sum)?\{([^}]*)\} (\S+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === metric)
    .filter((m) => Object.entries(labels).every(([k, v]) => m[3]!.includes(`${k}="${v}"`)))
    .map((m) => ({ part: m[2] ?? "", labels: m[3]!, value: Number(m[4]) }));
}

/** The finite bucket boundaries (`le`) of a histogram's samples, in order. */
export const bucketBoundaries = (samples: PrometheusSample[]): number[] =>
  samples
    .filter((s) => s.part === "_bucket")
    .map((s) => /le="([^"]+)"/.exec(s.labels)![1]!)
    .filter((le) => le !== "+Inf")
    .map(Number);

/** The sum of a metric's samples (exact name, e.g. `x_count`) over the label sets that include `labels`. */
export function prometheusSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([^\s{]+)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (match[2] ?? "").includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}
