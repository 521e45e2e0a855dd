// Step duration of a batched forward pass, from the H100 measurements in ../shared/calibration.

export interface CostProfile {
  readonly name: string;
  /** a: one pass over the weights per step (ms). */
  readonly stepBaseMs: number;
  /** b: per decoding sequence (ms). */
  readonly perDecodeSeqMs: number;
  /** c: per context token a decoding sequence attends to (ms). */
  readonly perContextTokenMs: number;
  /** d: per prefill token (ms). */
  readonly perPrefillTokenMs: number;
  /** e: per prefill token times its context length, the quadratic attention term (ms). */
  readonly perPrefillAttentionMs: number;
  /** Multiplies every step for what the measurement left out (norms, rotary, sampling, scheduler). */
  readonly overheadFactor: number;
  /** KV cache capacity in tokens. */
  readonly kvCapacityTokens: number;
  readonly maxModelLen: number;
  readonly servedModelName: string;
}

/** What a step costs depends on these sums only. */
export interface StepShape {
  decodeSeqs: number;
  decodeContextTokens: number;
  prefillTokens: number;
  /** sum over prefill chunks of chunk_tokens * context_after_chunk */
  prefillAttention: number;
}

/** t = (a + b*decoding_seqs + c*sum(decode_context) + d*prefill_tokens + e*sum(prefill_tokens*context)) * overhead */
export function stepDurationMs(p: CostProfile, s: StepShape): number {
  return (
    (p.stepBaseMs +
      p.perDecodeSeqMs * s.decodeSeqs +
      p.perContextTokenMs * s.decodeContextTokens +
      p.perPrefillTokenMs * s.prefillTokens +
      p.perPrefillAttentionMs * s.prefillAttention) *
    p.overheadFactor
  );
}
