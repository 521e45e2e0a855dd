// Reads sample values out of a Prometheus text exposition (what /metrics serves), like the seed's
// MetricsMonitor: no Prometheus server needed.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(LABEL)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return samples;
}

/** Sum of a metric's samples (over all label sets unless filtered); undefined when absent. */
export function sumOf(samples: readonly Sample[], names: readonly string[], filter: (labels: Record<string, string>) => boolean = () => true): number | undefined {
  const hits = samples.filter((s) => names.includes(s.name) && filter(s.labels));
  return hits.length === 0 ? undefined : hits.reduce((a, s) => a + s.value, 0);
}
