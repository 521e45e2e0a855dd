// Simulator settings: every `--flag value` also reads from VLLM_SIM_FLAG (flags win), validated once.
import { parseArgs } from "node:util";
import { env, readConfig, type ConfigOf, type Field } from "@reviewlens/runtime";
import type { CostProfile } from "./engine/cost-model.js";
import { profiles } from "./engine/profiles.js";

const optionalNumber = (min: number, max: number) => env.optional(env.number(min, max));

/** Endpoints a simulator can leave out, to stand in for OpenAI-compatible servers that are not vLLM. */
export const OPTIONAL_ENDPOINTS = ["metrics", "tokenize", "health"] as const;
export type OptionalEndpoint = (typeof OPTIONAL_ENDPOINTS)[number];

const endpointList: Field<OptionalEndpoint[]> = {
  expected: `a comma-separated list drawn from ${OPTIONAL_ENDPOINTS.join(", ")}`,
  required: false,
  fallback: [],
  parse(raw) {
    const parts = raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
    return parts.every((p) => (OPTIONAL_ENDPOINTS as readonly string[]).includes(p)) ? (parts as OptionalEndpoint[]) : undefined;
  },
};

export const simSchema = {
  VLLM_SIM_PORT: env.port(8000),
  VLLM_SIM_HOST: env.string("0.0.0.0"),
  VLLM_SIM_PROFILE: env.oneOf(Object.keys(profiles), "qwen2.5-7b-h100"),
  VLLM_SIM_SERVED_MODEL_NAME: env.optional(env.string()),
  VLLM_SIM_TIME_SCALE: env.number(1e-6, 1e6, 1),
  VLLM_SIM_MAX_NUM_BATCHED_TOKENS: env.integer(1, 1_048_576, 8192),
  VLLM_SIM_MAX_NUM_SEQS: env.integer(1, 65_536, 1024),
  // vLLM's engine-side admission (PR #49445): unset = unbounded, as in vLLM.
  VLLM_SIM_MAX_NUM_QUEUED_REQS: env.optional(env.integer(0, 100_000_000)),
  VLLM_SIM_MAX_NUM_QUEUED_TOKENS: env.optional(env.integer(0, 1e12)),
  VLLM_SIM_SCHEDULING_POLICY: env.oneOf(["fcfs", "priority"] as const, "fcfs"),
  VLLM_SIM_BLOCK_SIZE: env.integer(1, 1024, 16),
  VLLM_SIM_ENABLE_PREFIX_CACHING: env.boolean(true),
  VLLM_SIM_ENABLE_PROMPT_TOKENS_DETAILS: env.boolean(true),
  VLLM_SIM_LONG_PREFILL_TOKEN_THRESHOLD: env.integer(0, 1_048_576, 0),
  VLLM_SIM_KV_CAPACITY_TOKENS: env.optional(env.integer(16, 1e9)),
  VLLM_SIM_MAX_MODEL_LEN: env.optional(env.integer(16, 1e7)),
  VLLM_SIM_OVERHEAD_FACTOR: optionalNumber(0.01, 100),
  VLLM_SIM_STEP_BASE_MS: optionalNumber(0, 1e5),
  VLLM_SIM_PER_DECODE_SEQ_MS: optionalNumber(0, 1e5),
  VLLM_SIM_PER_CONTEXT_TOKEN_MS: optionalNumber(0, 1e5),
  VLLM_SIM_PER_PREFILL_TOKEN_MS: optionalNumber(0, 1e5),
  VLLM_SIM_PER_PREFILL_ATTENTION_MS: optionalNumber(0, 1e5),
  VLLM_SIM_STEP_OVERHEAD_MS: optionalNumber(0, 1e5),
  VLLM_SIM_PER_DECODE_SEQ_OVERHEAD_MS: optionalNumber(0, 1e5),
  VLLM_SIM_PER_CONTEXT_TOKEN_OVERHEAD_MS: optionalNumber(0, 1e5),
  VLLM_SIM_OUTPUT: env.oneOf(["random", "echo", "grounded"] as const, "random"),
  VLLM_SIM_MEAN_OUTPUT_TOKENS: env.integer(1, 1_000_000, 128),
  VLLM_SIM_SEED: env.optional(env.integer(0, Number.MAX_SAFE_INTEGER)),
  VLLM_SIM_EMBEDDING_DIMENSION: env.integer(1, 8192, 384),
  VLLM_SIM_FAULT_ERROR_RATE: env.number(0, 1, 0),
  VLLM_SIM_FAULT_ERROR_TYPES: env.string("429,500,503"),
  VLLM_SIM_FAULT_LATENCY_MS: env.number(0, 1e7, 0),
  VLLM_SIM_FAULT_STALL_RATE: env.number(0, 1, 0),
  VLLM_SIM_FAULT_STALL_AFTER_TOKENS: env.integer(0, 1_000_000, 8),
  VLLM_SIM_FAULT_STALL_MS: env.number(0, 1e9, 5000),
  VLLM_SIM_FAULT_SCHEMA_VIOLATION_RATE: env.number(0, 1, 0),
  /** Model load before /health passes, in virtual seconds (wall: times the time scale). */
  VLLM_SIM_STARTUP_DELAY_SECONDS: env.number(0, 86_400, 0),
  VLLM_SIM_DISABLE_ENDPOINTS: endpointList,
  VLLM_SIM_LOG_LEVEL: env.optional(env.oneOf(["debug", "info", "warn", "error"] as const)),
};

export type SimConfig = ConfigOf<typeof simSchema>;

const PREFIX = "VLLM_SIM_";
const flagOf = (variable: string) => `--${variable.slice(PREFIX.length).toLowerCase().replace(/_/g, "-")}`;

/** Reads flags (e.g. `--time-scale 0.01`) over environment variables; unknown flags are an error. */
export function readSimConfig(argv: string[], source: Record<string, string | undefined> = process.env): SimConfig {
  const options = Object.fromEntries(Object.keys(simSchema).map((v) => [flagOf(v).slice(2), { type: "string" as const }]));
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  const merged: Record<string, string | undefined> = { ...source };
  for (const variable of Object.keys(simSchema)) {
    const flag = values[flagOf(variable).slice(2)];
    if (typeof flag === "string") merged[variable] = flag;
  }
  try {
    return readConfig(simSchema, merged);
  } catch (error) {
    // Name both spellings so a person finds the setting whichever way they set it.
    throw new Error(String((error as Error).message).replace(/VLLM_SIM_[A-Z_]+/g, (v) => `${v} (${flagOf(v)})`), { cause: error });
  }
}

/** The named profile with every constant the configuration overrides. */
export function effectiveProfile(config: SimConfig): CostProfile {
  const base = profiles[config.VLLM_SIM_PROFILE]!;
  const kvCapacityTokens = config.VLLM_SIM_KV_CAPACITY_TOKENS ?? base.kvCapacityTokens;
  return {
    ...base,
    servedModelName: config.VLLM_SIM_SERVED_MODEL_NAME ?? base.servedModelName,
    stepBaseMs: config.VLLM_SIM_STEP_BASE_MS ?? base.stepBaseMs,
    perDecodeSeqMs: config.VLLM_SIM_PER_DECODE_SEQ_MS ?? base.perDecodeSeqMs,
    perContextTokenMs: config.VLLM_SIM_PER_CONTEXT_TOKEN_MS ?? base.perContextTokenMs,
    perPrefillTokenMs: config.VLLM_SIM_PER_PREFILL_TOKEN_MS ?? base.perPrefillTokenMs,
    perPrefillAttentionMs: config.VLLM_SIM_PER_PREFILL_ATTENTION_MS ?? base.perPrefillAttentionMs,
    overheadFactor: config.VLLM_SIM_OVERHEAD_FACTOR ?? base.overheadFactor,
    stepOverheadMs: config.VLLM_SIM_STEP_OVERHEAD_MS ?? base.stepOverheadMs,
    perDecodeSeqOverheadMs: config.VLLM_SIM_PER_DECODE_SEQ_OVERHEAD_MS ?? base.perDecodeSeqOverheadMs,
    perContextTokenOverheadMs: config.VLLM_SIM_PER_CONTEXT_TOKEN_OVERHEAD_MS ?? base.perContextTokenOverheadMs,
    kvCapacityTokens,
    // As vLLM, which refuses to start when one max-length request cannot fit the KV cache.
    maxModelLen: Math.min(config.VLLM_SIM_MAX_MODEL_LEN ?? base.maxModelLen, kvCapacityTokens),
  };
}
