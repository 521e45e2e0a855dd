// Simulator settings: every `--flag value` also reads from VLLM_SIM_FLAG (flags win), validated once.
import { parseArgs } from "node:util";
import { env, readConfig, type ConfigOf } from "@reviewlens/runtime";
import type { CostProfile } from "./engine/cost-model.js";
import { profiles } from "./engine/profiles.js";

const costTerm = (what: string) => env.optional(env.number(0, 1e5)).describe(`${what}; unset: the profile's`);

/** Endpoints a simulator can leave out, to stand in for OpenAI-compatible servers that are not vLLM. */
export const OPTIONAL_ENDPOINTS = ["metrics", "tokenize", "health"] as const;
export type OptionalEndpoint = (typeof OPTIONAL_ENDPOINTS)[number];

export const simSchema = {
  VLLM_SIM_PORT: env.port(8000).describe("HTTP port (0 = any free port)"),
  VLLM_SIM_HOST: env.string("0.0.0.0").describe("bind address"),
  VLLM_SIM_PROFILE: env.oneOf(Object.keys(profiles), "qwen2.5-7b-h100").describe("cost profile: Qwen2.5-7B-Instruct on one H100 or one H200"),
  VLLM_SIM_SERVED_MODEL_NAME: env.optional(env.string()).describe("model id in the API; unset: the profile's (`Qwen/Qwen2.5-7B-Instruct`)"),
  VLLM_SIM_TIME_SCALE: env.number(1e-6, 1e6, 1).describe("wall seconds per simulated second (0.01: 100x faster, for tests)"),
  VLLM_SIM_MAX_NUM_BATCHED_TOKENS: env.integer(1, 1_048_576, 8192).describe("token budget per engine step"),
  VLLM_SIM_MAX_NUM_SEQS: env.integer(1, 65_536, 1024).describe("running sequences per step (vLLM V1's default)"),
  // vLLM's engine-side admission (PR #49445): unset = unbounded, as in vLLM.
  VLLM_SIM_MAX_NUM_QUEUED_REQS: env.optional(env.integer(0, 100_000_000)).describe("HTTP 503 beyond this many unfinished requests (vLLM's `--max-num-queued-reqs`); unset: unbounded"),
  VLLM_SIM_MAX_NUM_QUEUED_TOKENS: env
    .optional(env.integer(0, 1e12))
    .describe("HTTP 503 once this many prompt tokens await their first token (vLLM's `--max-num-queued-tokens`); unset: unbounded"),
  VLLM_SIM_SCHEDULING_POLICY: env.oneOf(["fcfs", "priority"] as const, "fcfs").describe("`fcfs`, or `priority` (vLLM's `priority` field, lower first)"),
  VLLM_SIM_BLOCK_SIZE: env.integer(1, 1024, 16).describe("KV block size in tokens"),
  VLLM_SIM_ENABLE_PREFIX_CACHING: env.boolean(true).describe("prefix caching by chained block hash"),
  VLLM_SIM_ENABLE_PROMPT_TOKENS_DETAILS: env
    .boolean(true)
    .describe("`usage.prompt_tokens_details.cached_tokens` in every usage (vLLM needs the same flag)"),
  VLLM_SIM_LONG_PREFILL_TOKEN_THRESHOLD: env.integer(0, 1_048_576, 0).describe("cap per prefill chunk (0 = the step budget only)"),
  VLLM_SIM_KV_CAPACITY_TOKENS: env.optional(env.integer(16, 1e9)).describe("KV cache capacity in tokens; unset: the profile's (1,000,000 on the H100, 2,000,000 on the H200)"),
  VLLM_SIM_MAX_MODEL_LEN: env.optional(env.integer(16, 1e7)).describe("context window; unset: the profile's (32,768), at most the KV capacity"),
  VLLM_SIM_OVERHEAD_FACTOR: env.optional(env.number(0.01, 100)).describe("factor on the kernel terms of a step's duration; unset: the profile's (1)"),
  VLLM_SIM_STEP_BASE_MS: costTerm("kernel term a: ms per step (the weight pass)"),
  VLLM_SIM_PER_DECODE_SEQ_MS: costTerm("kernel term b: ms per decoding sequence"),
  VLLM_SIM_PER_CONTEXT_TOKEN_MS: costTerm("kernel term c: ms per context token of the decoding sequences"),
  VLLM_SIM_PER_PREFILL_TOKEN_MS: costTerm("kernel term d: ms per prefill token"),
  VLLM_SIM_PER_PREFILL_ATTENTION_MS: costTerm("kernel term e: ms per prefill token x context"),
  VLLM_SIM_STEP_OVERHEAD_MS: costTerm("vLLM term s: ms of scheduling and output processing per step"),
  VLLM_SIM_PER_DECODE_SEQ_OVERHEAD_MS: costTerm("vLLM term r: ms per decoding sequence"),
  VLLM_SIM_PER_CONTEXT_TOKEN_OVERHEAD_MS: costTerm("vLLM term k: ms per context token"),
  VLLM_SIM_OUTPUT: env
    .oneOf(["random", "echo", "grounded"] as const, "random")
    .describe("`random` words, `echo` (the prompt), or `grounded` (schema-valid answers made of the prompt's reviews; `make up` and `make demo` use it)"),
  VLLM_SIM_MEAN_OUTPUT_TOKENS: env.integer(1, 1_000_000, 128).describe("random outputs end after 0.5-1.5x this many tokens"),
  VLLM_SIM_SEED: env.optional(env.integer(0, Number.MAX_SAFE_INTEGER)).describe("seeds requests without `seed`; unset: random"),
  VLLM_SIM_EMBEDDING_DIMENSION: env.integer(1, 8192, 384).describe("default `/v1/embeddings` size"),
  VLLM_SIM_FAULT_ERROR_RATE: env.number(0, 1, 0).describe("initial fault: share of requests answered with an error of `VLLM_SIM_FAULT_ERROR_TYPES`"),
  VLLM_SIM_FAULT_ERROR_TYPES: env.string("429,500,503").describe("the errors of the error rate: `429` (with `retry-after`), `500`, `503`, `400` (context length)"),
  VLLM_SIM_FAULT_LATENCY_MS: env.number(0, 1e7, 0).describe("initial fault: virtual ms added before a request enters the engine"),
  VLLM_SIM_FAULT_STALL_RATE: env.number(0, 1, 0).describe("initial fault: share of streams that stop sending for a while mid-way"),
  VLLM_SIM_FAULT_STALL_AFTER_TOKENS: env.integer(0, 1_000_000, 8).describe("tokens a stalling stream sends first"),
  VLLM_SIM_FAULT_STALL_MS: env.number(0, 1e9, 5000).describe("how long a stall lasts (virtual ms)"),
  VLLM_SIM_FAULT_SCHEMA_VIOLATION_RATE: env.number(0, 1, 0).describe("initial fault: share of JSON-schema requests answered with JSON the schema rejects"),
  VLLM_SIM_STARTUP_DELAY_SECONDS: env
    .number(0, 86_400, 0)
    .describe("model load in virtual seconds (wall: times the time scale; a real 7B on an H100 takes about 180 from pod start): until it passes, `/health` and the model's routes answer 503, `/metrics` answers"),
  VLLM_SIM_DISABLE_ENDPOINTS: env.listOf(OPTIONAL_ENDPOINTS).describe("answer 404 on these, as servers that are not vLLM lack them (`tokenize` covers `/detokenize`)"),
  VLLM_SIM_LOG_LEVEL: env.optional(env.oneOf(["debug", "info", "warn", "error"] as const)).describe("log level; unset: `LOG_LEVEL`, else info"),
};

export type SimConfig = ConfigOf<typeof simSchema>;

const PREFIX = "VLLM_SIM_";
/** The flag of a variable: VLLM_SIM_TIME_SCALE is --time-scale. */
export const simFlagOf = (variable: string) => `--${variable.slice(PREFIX.length).toLowerCase().replace(/_/g, "-")}`;

/** Reads flags (e.g. `--time-scale 0.01`) over environment variables; unknown flags are an error. */
export function readSimConfig(argv: string[], source: Record<string, string | undefined> = process.env): SimConfig {
  const options = Object.fromEntries(Object.keys(simSchema).map((v) => [simFlagOf(v).slice(2), { type: "string" as const }]));
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  const merged: Record<string, string | undefined> = { ...source };
  for (const variable of Object.keys(simSchema)) {
    const flag = values[simFlagOf(variable).slice(2)];
    if (typeof flag === "string") merged[variable] = flag;
  }
  try {
    return readConfig(simSchema, merged);
  } catch (error) {
    // Name both spellings so a person finds the setting whichever way they set it.
    throw new Error(String((error as Error).message).replace(/VLLM_SIM_[A-Z_]+/g, (v) => `${v} (${simFlagOf(v)})`), { cause: error });
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
