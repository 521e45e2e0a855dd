// ECharts options for the figures the benchmarks draw: latency CDFs, series over time, bars.
import { percentile } from "../load/percentiles.js";

/** Empirical CDF of each named sample (x: value, y: share of requests at or below it). */
export function cdfOption(series: Record<string, readonly number[]>, xName: string): Record<string, unknown> {
  return {
    legend: { top: 24 },
    grid: { top: 60 },
    xAxis: { type: "value", name: xName, nameLocation: "middle", nameGap: 28 },
    yAxis: { type: "value", name: "share of requests", min: 0, max: 1 },
    series: Object.entries(series).map(([name, values]) => {
      const points = Array.from({ length: 101 }, (_, i) => [percentile(values, i), i / 100]);
      return { name, type: "line", showSymbol: false, data: values.length ? points : [] };
    }),
  };
}

export interface TimeSeries {
  name: string;
  points: Array<[number, number]>;
  /** Draw on the right-hand axis. */
  right?: boolean;
  step?: boolean;
}

export function timeSeriesOption(series: readonly TimeSeries[], xName: string, leftName: string, rightName?: string): Record<string, unknown> {
  return {
    legend: { top: 24 },
    grid: { top: 60 },
    xAxis: { type: "value", name: xName, nameLocation: "middle", nameGap: 28 },
    yAxis: [{ type: "value", name: leftName }, ...(rightName ? [{ type: "value", name: rightName }] : [])],
    series: series.map((s) => ({ name: s.name, type: "line", showSymbol: false, step: s.step ? "end" : false, yAxisIndex: s.right ? 1 : 0, data: s.points })),
  };
}

export function barOption(categories: readonly string[], series: Record<string, readonly number[]>, yName: string): Record<string, unknown> {
  return {
    legend: { top: 24 },
    grid: { top: 60 },
    xAxis: { type: "category", data: categories },
    yAxis: { type: "value", name: yName },
    series: Object.entries(series).map(([name, data]) => ({ name, type: "bar", data })),
  };
}
