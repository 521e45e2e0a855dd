// Settings from the environment, overridable by flags for a one-off run.
import { parseArgs } from "node:util";
import { metricsStoreSchema } from "@reviewlens/metrics-store";
import { env, grpcClientTlsSchema, logLevelField, readConfig, vectorSearchAddrField, type ConfigOf } from "@reviewlens/runtime";
import { SCHEDULABLE_ANALYSES } from "./adapters/analysis-batches.js";
import { DEFAULT_TIERS, parseTierTable, type Tier } from "./tier-table.js";

export const schedulerSchema = {
  ...metricsStoreSchema,
  ...grpcClientTlsSchema,
  VECTOR_SEARCH_ADDR: vectorSearchAddrField,
  SENTIMENT_ADDR: env.string("127.0.0.1:50053").describe("sentiment address"),
  SUMMARIZATION_ADDR: env.string("127.0.0.1:50054").describe("summarization address"),
  SCHEDULER_TIERS: env
    .string(DEFAULT_TIERS)
    .describe("traffic tiers `MIN-MAX:MINUTES` by review count: a restaurant is re-analysed once its tier's interval has passed and its reviews changed; must cover every count once, the last open-ended"),
  SCHEDULER_BUDGET: env.integer(1, 1_000_000, 100).describe("restaurants analysed per run at most (the highest update scores)"),
  SCHEDULER_ANALYSES: env.string("sentiment,summary").describe("analyses to schedule (those with a batch RPC: sentiment, summary)"),
  SCHEDULER_DRIFT_SCALE: env.number(0.000001, 2, 0.05).describe("representative-vector drift (cosine distance) that counts as fully novel"),
  SCHEDULER_RUN_TIMEOUT_MS: env.integer(1_000, 24 * 3_600_000, 30 * 60_000).describe("the run is abandoned after this"),
  LOG_LEVEL: logLevelField("warn"),
};

/** The flags that override a variable for one run. */
export const SCHEDULER_FLAGS: Partial<Record<keyof typeof schedulerSchema, string>> = {
  SCHEDULER_TIERS: "--tiers",
  SCHEDULER_BUDGET: "--budget",
  SCHEDULER_ANALYSES: "--analyses",
};

export interface SchedulerSettings {
  readonly config: ConfigOf<typeof schedulerSchema>;
  readonly tiers: Tier[];
  readonly analysisTypes: string[];
  readonly budget: number;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly nowMs: number;
}

export const USAGE = `usage: scheduler [--dry-run] [--json] [--budget N] [--analyses sentiment,summary] [--tiers "40-:10,10-39:30,0-9:60"] [--now RFC3339]`;

/** Throws an Error whose message names the flag or variable at fault. */
export function readSettings(argv: string[], source: Record<string, string | undefined> = process.env): SchedulerSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      "dry-run": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      budget: { type: "string" },
      analyses: { type: "string" },
      tiers: { type: "string" },
      now: { type: "string" },
    },
    strict: true,
  });
  const config = readConfig(schedulerSchema, source);
  const tiersSpec = values.tiers ?? config.SCHEDULER_TIERS;
  let tiers: Tier[];
  try {
    tiers = parseTierTable(tiersSpec);
  } catch (err) {
    throw new Error(`${values.tiers ? "--tiers" : "SCHEDULER_TIERS"}: ${(err as Error).message}`, { cause: err });
  }
  const analysisTypes = (values.analyses ?? config.SCHEDULER_ANALYSES).split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = analysisTypes.filter((a) => !(SCHEDULABLE_ANALYSES as readonly string[]).includes(a));
  if (analysisTypes.length === 0 || unknown.length > 0) {
    throw new Error(`${values.analyses ? "--analyses" : "SCHEDULER_ANALYSES"}: expected a comma-separated list of ${SCHEDULABLE_ANALYSES.join(", ")}${unknown.length ? `, got ${unknown.join(", ")}` : ""}`);
  }
  const budget = values.budget === undefined ? config.SCHEDULER_BUDGET : Number(values.budget);
  if (!Number.isInteger(budget) || budget < 1) throw new Error(`--budget: expected a positive integer, got ${values.budget}`);
  const nowMs = values.now === undefined ? Date.now() : Date.parse(values.now);
  if (Number.isNaN(nowMs)) throw new Error(`--now: expected an RFC 3339 time, got ${values.now}`);
  return { config, tiers, analysisTypes, budget, dryRun: values["dry-run"], json: values.json, nowMs };
}
