// What one benchmark request produced, in seconds, as vllm bench serve's RequestFuncOutput.

export type BenchPriority = "interactive" | "standard" | "batch";

export interface BenchRequest {
  prompt: string;
  /** Prompt tokens by the model's tokenizer. */
  promptLen: number;
  /** max_tokens asked for. */
  outputLen: number;
  priority?: BenchPriority;
  /** A label the experiments group by (e.g. "small" / "large"). */
  kind?: string;
}

export interface RequestOutput {
  success: boolean;
  error: string;
  generatedText: string;
  promptLen: number;
  /** Output tokens the server reported (usage), else counted chunks. */
  outputTokens: number;
  /** Time to first token. */
  ttft: number;
  /** Gaps between streamed chunks after the first. */
  itl: number[];
  /** Send to last token. */
  latency: number;
  /** When the request was sent, from the start of the run. */
  startTime: number;
  kind?: string | undefined;
}

export function failedOutput(request: BenchRequest, error: unknown, startTime: number): RequestOutput {
  return {
    success: false,
    error: error instanceof Error ? error.message : String(error),
    generatedText: "",
    promptLen: request.promptLen,
    outputTokens: 0,
    ttft: 0,
    itl: [],
    latency: 0,
    startTime,
    kind: request.kind,
  };
}

/** Wall-clock seconds to the simulator's virtual seconds (time scale 0.1 runs 10x faster than real). */
export function toVirtualTime(output: RequestOutput, timeScale: number): RequestOutput {
  if (timeScale === 1) return output;
  return {
    ...output,
    ttft: output.ttft / timeScale,
    itl: output.itl.map((v) => v / timeScale),
    latency: output.latency / timeScale,
    startTime: output.startTime / timeScale,
  };
}
