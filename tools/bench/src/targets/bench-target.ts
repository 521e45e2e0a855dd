// Where the load generator sends requests: the gateway over gRPC, or any OpenAI-compatible endpoint.
import type { BenchRequest, RequestOutput } from "../load/request-output.js";

export interface BenchTarget {
  /** vllm bench serve's "backend" field of the result. */
  readonly backend: string;
  /** Sends one request, streaming, and times it; never throws (a failure is an output with success false). */
  send(request: BenchRequest, startTime: number, signal: AbortSignal): Promise<RequestOutput>;
  close(): Promise<void>;
}

/** Collects streamed chunks into vLLM's timing fields: TTFT at the first text, ITL between texts. */
export class StreamTimer {
  private readonly sentAt = performance.now();
  private lastAt = 0;
  ttft = 0;
  readonly itl: number[] = [];
  text = "";
  chunks = 0;

  onText(delta: string): void {
    if (delta === "") return;
    const now = performance.now();
    if (this.chunks === 0) this.ttft = (now - this.sentAt) / 1000;
    else this.itl.push((now - this.lastAt) / 1000);
    this.lastAt = now;
    this.chunks += 1;
    this.text += delta;
  }

  output(request: BenchRequest, startTime: number, usageOutputTokens: number | undefined): RequestOutput {
    const ok = this.chunks > 0;
    return {
      success: ok,
      error: ok ? "" : "the stream ended without any output token",
      generatedText: this.text,
      promptLen: request.promptLen,
      outputTokens: usageOutputTokens ?? this.chunks,
      ttft: this.ttft,
      itl: this.itl,
      latency: ok ? (this.lastAt - this.sentAt) / 1000 : 0,
      startTime,
      kind: request.kind,
    };
  }
}
