// Step duration of a batched forward pass: the GPU's kernels (measured, ../shared/calibration) plus
// vLLM's CPU work around them (fitted to published vLLM runs, tools/bench/src/calibration).

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
  /** Multiplies the kernel terms (1 = the measured kernels as they are). */
  readonly overheadFactor: number;
  /** s: vLLM's fixed CPU work per step that the GPU waits for (scheduling, input preparation, launch) (ms). */
  readonly stepOverheadMs: number;
  /** r: CPU work per decoding sequence per step (sampling, detokenisation, output processing) (ms). */
  readonly perDecodeSeqOverheadMs: number;
  /** k: per context token of the decoding sequences, what vLLM's paged attention costs beyond the dense kernel measured (ms). */
  readonly perContextTokenOverheadMs: number;
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

/** The GPU's part: (a + b*decoding_seqs + c*sum(decode_context) + d*prefill_tokens + e*sum(prefill_tokens*context)) * overhead. */
export function kernelDurationMs(p: CostProfile, s: StepShape): number {
  return (
    (p.stepBaseMs +
      p.perDecodeSeqMs * s.decodeSeqs +
      p.perContextTokenMs * s.decodeContextTokens +
      p.perPrefillTokenMs * s.prefillTokens +
      p.perPrefillAttentionMs * s.prefillAttention) *
    p.overheadFactor
  );
}

/** vLLM's part: s + r*decoding_seqs + k*sum(decode_context), not overlapped with the kernels (vLLM V0's step loop). */
export function overheadDurationMs(p: CostProfile, s: StepShape): number {
  return p.stepOverheadMs + p.perDecodeSeqOverheadMs * s.decodeSeqs + p.perContextTokenOverheadMs * s.decodeContextTokens;
}

export function stepDurationMs(p: CostProfile, s: StepShape): number {
  return kernelDurationMs(p, s) + overheadDurationMs(p, s);
}
