import type { CostProfile } from "./cost-model.js";

/**
 * Qwen2.5-7B-Instruct on one H100 80GB (calibration/h100-qwen2.5-7b.json, fits in its README):
 * decode `5.58 + 0.0077*B + 1.85e-5*sum(C)` ms, prefill `0.0186*N + 5.6e-7*N^2` ms; about 1M KV
 * tokens at 0.9 memory utilisation. The 10% overhead covers RMSNorm, rotary embeddings, sampling and
 * vLLM's own scheduling, which the measurement left out.
 */
export const qwen25_7b_h100: CostProfile = {
  name: "qwen2.5-7b-h100",
  stepBaseMs: 5.58,
  perDecodeSeqMs: 0.0077,
  perContextTokenMs: 1.85e-5,
  perPrefillTokenMs: 0.0186,
  perPrefillAttentionMs: 5.6e-7,
  overheadFactor: 1.1,
  kvCapacityTokens: 1_000_000,
  maxModelLen: 32_768,
  servedModelName: "Qwen/Qwen2.5-7B-Instruct",
};

export const profiles: Readonly<Record<string, CostProfile>> = { [qwen25_7b_h100.name]: qwen25_7b_h100 };
