// The fairness benchmark's figures as markdown: report.md, and docs/figures/fairness.md that docs/benchmarks.md includes.
import type { CensoredPercentile, GatewayTimings, ServedTokens, Window } from "./fairness-figures.js";
import type { LoadShape } from "./fairness-arm.js";

/** The arms, in the order they run and are reported (`--arms` picks some). */
export const ARM_KEYS = ["alone", "vtc", "headroom", "floor", "fcfs", "weighted"] as const;
export type ArmKey = (typeof ARM_KEYS)[number];

/** Parses `--arms` (comma-separated keys; "all"): clear error on an unknown one. */
export function parseArms(value: string): ArmKey[] {
  if (value.trim() === "all") return [...ARM_KEYS];
  const keys = value.split(",").map((k) => k.trim());
  const unknown = keys.filter((k) => !(ARM_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0 || keys.length === 0) throw new Error(`--arms: unknown arm ${unknown.map((k) => `"${k}"`).join(", ")}; known: ${ARM_KEYS.join(", ")} (or all)`);
  return ARM_KEYS.filter((k) => keys.includes(k));
}

export interface ArmFigures {
  name: string;
  sent: Record<string, number>;
  served: Record<string, ServedTokens>;
  totalTokensPerS: number;
  bTtft: { p50: CensoredPercentile; p95: CensoredPercentile; p99: CensoredPercentile };
  bUnfinished: number;
  /** B's requests as the gateway timed them (completed ones). */
  bGateway: GatewayTimings;
}

export interface AgainstBaselines {
  bP95OverAlone: number;
  throughputOverFcfs: number;
  /** A's rate against what B left of today's order's total. */
  aOverLeftByB: number;
}

export interface FairnessSummary {
  /** Per arm with A flooding, against B alone and today's order (when both ran). */
  against: Partial<Record<ArmKey, AgainstBaselines>>;
  bP95FcfsOverAlone?: number;
  bP95FcfsIsLowerBound?: boolean;
  weightedShareA?: number;
  weightedRatio?: number;
}

export interface FairnessResult {
  profile: string;
  maxNumSeqs: number;
  timeScale: number;
  durationS: number;
  window: Window;
  graceS: number;
  machine: { cpus: number; uptimeBefore: string; uptimeAfter: string };
  capacity: { requestsPerS: number; tokensPerS: number; measured: boolean };
  loads: { A: LoadShape; B: LoadShape; weightedEach: LoadShape };
  /** The floor arm's cap on A's requests in flight. */
  floorCap: number;
  arms: Partial<Record<ArmKey, ArmFigures>>;
  summary: FairnessSummary;
}

const FLOODED: readonly ArmKey[] = ["vtc", "headroom", "floor"];

export function fairnessSummary(arms: Partial<Record<ArmKey, ArmFigures>>): FairnessSummary {
  const { alone, fcfs, weighted } = arms;
  const against: Partial<Record<ArmKey, AgainstBaselines>> = {};
  if (alone && fcfs) {
    for (const key of FLOODED) {
      const arm = arms[key];
      if (!arm) continue;
      against[key] = {
        bP95OverAlone: arm.bTtft.p95.ms / alone.bTtft.p95.ms,
        throughputOverFcfs: arm.totalTokensPerS / fcfs.totalTokensPerS,
        aOverLeftByB: (arm.served["A"]?.tokensPerS ?? 0) / (fcfs.totalTokensPerS - (arm.served["B"]?.tokensPerS ?? 0)),
      };
    }
  }
  const summary: FairnessSummary = { against };
  if (alone && fcfs) {
    summary.bP95FcfsOverAlone = fcfs.bTtft.p95.ms / alone.bTtft.p95.ms;
    summary.bP95FcfsIsLowerBound = fcfs.bTtft.p95.lowerBound;
  }
  if (weighted) {
    const a = weighted.served["A"]?.tokens ?? 0;
    const b = weighted.served["B"]?.tokens ?? 0;
    summary.weightedShareA = a / (a + b);
    summary.weightedRatio = a / b;
  }
  return summary;
}

const ms = (p: CensoredPercentile) => `${p.lowerBound ? "≥ " : ""}${Math.round(p.ms)}`;
const tps = (s: ServedTokens | undefined) => (s ? String(Math.round(s.tokensPerS)) : "-");
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const times = (x: number) => `${x.toFixed(2)}x`;

/** What the headroom left of B's wait against the floor, and why the floor is above B alone. */
function floorNote(r: FairnessResult): string[] {
  const { alone, headroom, floor } = r.arms;
  if (!alone || !headroom || !floor) return [];
  const p95 = (a: ArmFigures) => Math.round(a.bTtft.p95.ms);
  return [
    `With headroom B's p95 is ${p95(headroom)} ms against the floor's ${p95(floor)} ms (${times(headroom.bTtft.p95.ms / floor.bTtft.p95.ms)}); the floor is ${times(floor.bTtft.p95.ms / alone.bTtft.p95.ms)} B alone (${p95(alone)} ms): B's prompt is computed in a step shared with A's batch of decodes, longer than a step of its own, and vLLM does not preempt a running request to admit a waiting one. The gateway cannot go below the floor.`,
  ];
}

export function fairnessReport(r: FairnessResult): string {
  const row = (a: ArmFigures, withB = true) => {
    const g = a.bGateway;
    const b = withB ? [`${ms(a.bTtft.p50)} / ${ms(a.bTtft.p95)} / ${ms(a.bTtft.p99)}`, `${Math.round(g.queue.p50)} / ${Math.round(g.queue.p95)}`, `${Math.round(g.ttft.p50)} / ${Math.round(g.ttft.p95)}`, String(a.bUnfinished)] : ["-", "-", "-", "-"];
    return `| ${a.name} | ${b.join(" | ")} | ${tps(a.served["A"])} | ${tps(a.served["B"])} | ${Math.round(a.totalTokensPerS)} |`;
  };
  const s = r.summary;
  const against = (key: ArmKey, label: string) => {
    const x = s.against[key];
    return x ? [`${label}: B's p95 ${times(x.bP95OverAlone)} its p95 alone; total throughput ${pct(x.throughputOverFcfs)} of today's order; A got ${pct(x.aOverLeftByB)} of what B left.`] : [];
  };
  const lines = [
    `Fairness between tenants: ${r.profile} (vllm-sim, --max-num-seqs ${r.maxNumSeqs}), time scale ${r.timeScale}, one gateway. Capacity ${r.capacity.requestsPerS.toFixed(1)} A-requests/s (${Math.round(r.capacity.tokensPerS)} tokens/s${r.capacity.measured ? "" : ", given, not measured"}).`,
    `B: ${r.loads.B.rate.toFixed(2)} req/s of ${r.loads.B.inputLen}+${r.loads.B.outputLen} tokens (a fifth of the capacity); A: ${r.loads.A.rate.toFixed(2)} req/s of ${r.loads.A.inputLen}+${r.loads.A.outputLen} (five times its fair half), both interactive.`,
    `Arrivals for ${r.durationS} s; tokens/s over ${r.window.from}-${r.window.to} s; TTFT of B's requests sent then (≥: some still had no first token when the arm was cut off ${r.graceS} s later); the gateway's own timing of them: its queue (arrival to dispatch) and its TTFT (arrival to first token). Virtual seconds.`,
    "",
    "| arm | B TTFT p50 / p95 / p99 (ms) | B in the gateway's queue p50 / p95 (ms) | B TTFT at the gateway p50 / p95 (ms) | B unfinished | A tokens/s | B tokens/s | total tokens/s |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...ARM_KEYS.flatMap((key) => {
      const arm = r.arms[key];
      return arm ? [row(arm, key !== "weighted")] : [];
    }),
    "",
    ...[
      ...against("vtc", "Fair queueing (VTC)"),
      ...against("headroom", "Fair queueing with headroom"),
      ...against("floor", `Floor (A capped at ${r.floorCap} in flight by its client, so B never waits for a slot)`),
      ...floorNote(r),
      ...(s.bP95FcfsOverAlone !== undefined ? [`Today's order: B's p95 ${s.bP95FcfsIsLowerBound ? "at least " : ""}${s.bP95FcfsOverAlone.toFixed(1)}x its p95 alone.`] : []),
      ...(s.weightedShareA !== undefined ? [`Weights 3:1, both backlogged: A served ${pct(s.weightedShareA)} of the tokens (3:1 is 75%), a ratio of ${s.weightedRatio!.toFixed(2)}:1.`] : []),
      `Machine: ${r.machine.cpus} CPUs; before: ${r.machine.uptimeBefore}; after: ${r.machine.uptimeAfter}.`,
    ].map((l) => `- ${l}`),
    "",
  ];
  return lines.join("\n");
}
