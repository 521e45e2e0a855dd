import type { CostProfile } from "./cost-model.js";

/**
 * What vLLM adds to the kernels, fitted to published vLLM 0.5.5-0.6.2 runs of an 8B model on one
 * H100 (tools/bench/src/calibration; `make calibrate-sim` refits it, its test replays every point):
 * 1.875 ms per step (scheduling, input preparation), 6.25 us per decoding sequence (sampling,
 * detokenisation, output processing) and 72.5 ns per context token of the decoding sequences (3.9x
 * the dense attention kernel measured: vLLM V0's paged attention and the block tables it rebuilds
 * every step; the long-prompt point needs it). Software, not hardware, so the H200 profile shares it.
 */
export const VLLM_OVERHEAD = { stepOverheadMs: 1.875, perDecodeSeqOverheadMs: 0.00625, perContextTokenOverheadMs: 7.25e-5 } as const;

/**
 * Qwen2.5-7B-Instruct on one H100 80GB (calibration/h100-qwen2.5-7b.json, fits in its README):
 * decode kernels `5.58 + 0.0077*B + 1.85e-5*sum(C)` ms, prefill `0.0186*N + 5.6e-7*N^2` ms, taken as
 * measured (factor 1) with vLLM's fitted CPU work added; about 1M KV tokens at 0.9 memory utilisation.
 */
export const qwen25_7b_h100: CostProfile = {
  name: "qwen2.5-7b-h100",
  stepBaseMs: 5.58,
  perDecodeSeqMs: 0.0077,
  perContextTokenMs: 1.85e-5,
  perPrefillTokenMs: 0.0186,
  perPrefillAttentionMs: 5.6e-7,
  overheadFactor: 1,
  ...VLLM_OVERHEAD,
  kvCapacityTokens: 1_000_000,
  maxModelLen: 32_768,
  servedModelName: "Qwen/Qwen2.5-7B-Instruct",
};

/**
 * The same model on one H200 (calibration/h200-qwen2.5-7b.json): decode `4.17 + 0.0088*B +
 * 1.23e-5*sum(C)` ms (the weight pass streams faster), prefill `0.0195*N + 3.2e-7*N^2` ms; 141 GB
 * at 0.9 utilisation less 14.1 GB of weights holds about 2M KV tokens (56 KiB per token).
 */
export const qwen25_7b_h200: CostProfile = {
  ...qwen25_7b_h100,
  name: "qwen2.5-7b-h200",
  stepBaseMs: 4.17,
  perDecodeSeqMs: 0.0088,
  perContextTokenMs: 1.23e-5,
  perPrefillTokenMs: 0.0195,
  perPrefillAttentionMs: 3.2e-7,
  kvCapacityTokens: 2_000_000,
};

export const profiles: Readonly<Record<string, CostProfile>> = {
  [qwen25_7b_h100.name]: qwen25_7b_h100,
  [qwen25_7b_h200.name]: qwen25_7b_h200,
};
