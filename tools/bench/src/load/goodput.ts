// --goodput KEY:MS ... as vllm bench serve parses it: a request is good when it meets every SLO given.

export type SloMetric = "ttft" | "tpot" | "e2el";
export type GoodputSlos = Partial<Record<SloMetric, number>>;

const SLO_METRICS: readonly SloMetric[] = ["ttft", "tpot", "e2el"];

export function parseGoodput(items: readonly string[]): GoodputSlos {
  const slos: GoodputSlos = {};
  for (const item of items) {
    const [key, value, extra] = item.split(":");
    if (extra !== undefined || key === undefined || value === undefined) throw new Error(`--goodput: "${item}" is not KEY:MILLISECONDS`);
    if (!SLO_METRICS.includes(key as SloMetric)) throw new Error(`--goodput: unknown metric "${key}" (use ttft, tpot or e2el)`);
    const ms = Number(value);
    if (value.trim() === "" || !Number.isFinite(ms) || ms < 0) throw new Error(`--goodput: ${key} needs a non-negative number of milliseconds, got "${value}"`);
    slos[key as SloMetric] = ms;
  }
  return slos;
}

/** Per-request values in seconds; an absent metric is not checked. */
export function meetsSlos(values: Record<SloMetric, number>, slos: GoodputSlos): boolean {
  return SLO_METRICS.every((m) => slos[m] === undefined || values[m] <= slos[m] / 1000);
}
