// The published vLLM runs the simulator is calibrated against (vllm-h100-reference-points.json),
// read and checked once so a bad edit of the data fails with the field's name.
import { readFileSync } from "node:fs";

export type ReferenceWorkload =
  | { dataset: "sharegpt"; numPrompts: number; requestRate: number | null; totalInputTokens: number; totalOutputTokens: number }
  | { dataset: "fixed"; numPrompts: number; requestRate: number | null; inputLen: number; outputLen: number; totalInputTokens: number; totalOutputTokens: number };

export interface ReferencePoint {
  id: string;
  source: { url: string; title: string; author: string; date: string; quote: string };
  model: string;
  gpu: string;
  vllm: string;
  engine: string;
  workload: ReferenceWorkload;
  reported: { durationS: number; outputTokPerS: number; meanTpotMs: number; medianTpotMs?: number; meanItlMs?: number; meanTtftMs?: number; asyncRunMeanTpotMs?: number };
  /** Which of the source's TPOT figures the simulator is held to (mean unless `compareWhy` says why not). */
  compareTpot?: "mean" | "median" | "asyncRun";
  compareWhy?: string;
  /** False where the source's engine differs from the one the profile models (`whyNot` says how). */
  mustMeet: boolean;
  whyNot?: string;
}

export interface SimulatedEngine {
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  enablePrefixCaching: boolean;
}

export interface ReferenceSet {
  about: string;
  simulatedEngine: SimulatedEngine;
  points: ReferencePoint[];
}

const positive = (value: unknown, field: string): number => {
  if (typeof value !== "number" || !(value > 0)) throw new Error(`reference points: ${field} must be a positive number, got ${JSON.stringify(value)}`);
  return value;
};

export function parseReferenceSet(raw: unknown): ReferenceSet {
  const set = raw as ReferenceSet;
  if (!Array.isArray(set?.points) || set.points.length === 0) throw new Error("reference points: `points` must be a non-empty array");
  const ids = new Set<string>();
  for (const [k, p] of set.points.entries()) {
    const at = `points[${k}]`;
    if (typeof p.id !== "string" || ids.has(p.id)) throw new Error(`reference points: ${at}.id must be a unique string`);
    ids.add(p.id);
    if (!/^https:\/\//.test(p.source?.url ?? "")) throw new Error(`reference points: ${at}.source.url must be an https address`);
    if (!p.gpu?.includes("H100")) throw new Error(`reference points: ${at}.gpu must name the H100 the source ran on`);
    const w = p.workload;
    if (w?.dataset !== "sharegpt" && w?.dataset !== "fixed") throw new Error(`reference points: ${at}.workload.dataset must be sharegpt or fixed`);
    positive(w.numPrompts, `${at}.workload.numPrompts`);
    if (w.requestRate !== null) positive(w.requestRate, `${at}.workload.requestRate`);
    if (w.dataset === "fixed") {
      positive(w.inputLen, `${at}.workload.inputLen`);
      positive(w.outputLen, `${at}.workload.outputLen`);
    }
    positive(p.reported?.outputTokPerS, `${at}.reported.outputTokPerS`);
    positive(p.reported?.meanTpotMs, `${at}.reported.meanTpotMs`);
    if (typeof p.mustMeet !== "boolean" || (!p.mustMeet && !p.whyNot)) throw new Error(`reference points: ${at} needs mustMeet, and whyNot when it is false`);
    if (p.compareTpot === "median" && !(p.reported.medianTpotMs! > 0 && p.compareWhy)) throw new Error(`reference points: ${at} compares the median TPOT: it needs reported.medianTpotMs and compareWhy`);
    if (p.compareTpot === "asyncRun" && !(p.reported.asyncRunMeanTpotMs! > 0 && p.compareWhy)) throw new Error(`reference points: ${at} compares the async run's TPOT: it needs reported.asyncRunMeanTpotMs and compareWhy`);
  }
  positive(set.simulatedEngine?.maxNumSeqs, "simulatedEngine.maxNumSeqs");
  positive(set.simulatedEngine?.maxNumBatchedTokens, "simulatedEngine.maxNumBatchedTokens");
  return set;
}

/** The TPOT the simulator is held to at this point. */
export const referenceTpotMs = (p: ReferencePoint): number =>
  p.compareTpot === "median" ? p.reported.medianTpotMs! : p.compareTpot === "asyncRun" ? p.reported.asyncRunMeanTpotMs! : p.reported.meanTpotMs;

export const REFERENCE_FILE = new URL("./vllm-h100-reference-points.json", import.meta.url);

export function loadReferenceSet(file: URL | string = REFERENCE_FILE): ReferenceSet {
  return parseReferenceSet(JSON.parse(readFileSync(file, "utf8")));
}
