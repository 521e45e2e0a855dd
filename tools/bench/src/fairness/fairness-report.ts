// The fairness benchmark's figures as markdown: report.md, and docs/figures/fairness.md that docs/benchmarks.md includes.
import type { CensoredPercentile, ServedTokens, Window } from "./fairness-figures.js";
import type { LoadShape } from "./fairness-arm.js";

export interface ArmFigures {
  name: string;
  sent: Record<string, number>;
  served: Record<string, ServedTokens>;
  totalTokensPerS: number;
  bTtft: { p50: CensoredPercentile; p95: CensoredPercentile; p99: CensoredPercentile };
  bUnfinished: number;
}

export interface AgainstBaselines {
  bP95OverAlone: number;
  throughputOverFcfs: number;
  aOverLeftByB: number;
}

export interface FairnessResult {
  profile: string;
  maxNumSeqs: number;
  timeScale: number;
  durationS: number;
  window: Window;
  graceS: number;
  machine: { cpus: number; uptimeBefore: string; uptimeAfter: string };
  capacity: { requestsPerS: number; tokensPerS: number };
  loads: { A: LoadShape; B: LoadShape; weightedEach: LoadShape };
  arms: { alone: ArmFigures; vtc: ArmFigures; headroom: ArmFigures; fcfs: ArmFigures; weighted: ArmFigures };
  headroomSeqs: number;
  summary: {
    vtc: AgainstBaselines;
    headroom: AgainstBaselines;
    bP95FcfsOverAlone: number;
    bP95FcfsIsLowerBound: boolean;
    weightedShareA: number;
    weightedRatio: number;
  };
}

const ms = (p: CensoredPercentile) => `${p.lowerBound ? "≥ " : ""}${Math.round(p.ms)}`;
const tps = (s: ServedTokens | undefined) => (s ? String(Math.round(s.tokensPerS)) : "-");
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function fairnessReport(r: FairnessResult): string {
  const { alone, vtc, headroom, fcfs, weighted } = r.arms;
  const row = (a: ArmFigures, withB = true) =>
    `| ${a.name} | ${withB ? `${ms(a.bTtft.p50)} / ${ms(a.bTtft.p95)} / ${ms(a.bTtft.p99)}` : "-"} | ${withB ? a.bUnfinished : "-"} | ${tps(a.served["A"])} | ${tps(a.served["B"])} | ${Math.round(a.totalTokensPerS)} |`;
  const s = r.summary;
  return [
    `Fairness between tenants: ${r.profile} (vllm-sim, --max-num-seqs ${r.maxNumSeqs}), time scale ${r.timeScale}, one gateway. Capacity ${r.capacity.requestsPerS.toFixed(1)} A-requests/s (${Math.round(r.capacity.tokensPerS)} tokens/s).`,
    `B: ${r.loads.B.rate.toFixed(2)} req/s of ${r.loads.B.inputLen}+${r.loads.B.outputLen} tokens (a fifth of the capacity); A: ${r.loads.A.rate.toFixed(2)} req/s of ${r.loads.A.inputLen}+${r.loads.A.outputLen} (five times its fair half), both interactive.`,
    `Arrivals for ${r.durationS} s; tokens/s over ${r.window.from}-${r.window.to} s; TTFT of B's requests sent then (≥: some still had no first token when the arm was cut off ${r.graceS} s later). Virtual seconds.`,
    "",
    "| arm | B TTFT p50 / p95 / p99 (ms) | B unfinished | A tokens/s | B tokens/s | total tokens/s |",
    "| --- | --- | --- | --- | --- | --- |",
    row(alone),
    row(vtc),
    row(headroom),
    row(fcfs),
    row(weighted, false),
    "",
    `- B's p95 TTFT with A flooding, over B alone: ${s.vtc.bP95OverAlone.toFixed(2)}x with fair queueing, ${s.headroom.bP95OverAlone.toFixed(2)}x with ${r.headroomSeqs} slots of headroom, ${s.bP95FcfsIsLowerBound ? "at least " : ""}${s.bP95FcfsOverAlone.toFixed(1)}x with today's order.`,
    `- Total throughput against today's order: ${pct(s.vtc.throughputOverFcfs)} with fair queueing (A got ${pct(s.vtc.aOverLeftByB)} of what B left), ${pct(s.headroom.throughputOverFcfs)} with headroom (A got ${pct(s.headroom.aOverLeftByB)}).`,
    `- Weights 3:1, both backlogged: A served ${pct(s.weightedShareA)} of the tokens (3:1 is 75%), a ratio of ${s.weightedRatio.toFixed(2)}:1.`,
    `- Machine: ${r.machine.cpus} CPUs; before: ${r.machine.uptimeBefore}; after: ${r.machine.uptimeAfter}.`,
    "",
  ].join("\n");
}
