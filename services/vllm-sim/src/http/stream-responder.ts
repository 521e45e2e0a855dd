// Writes a request's tokens as SSE, once per engine flush: every token since the last flush goes
// out in one write. An injected stall buffers the stream for a while after N tokens.
import type { ServerResponse } from "node:http";
import type { EngineRequest, RequestListener } from "../engine/engine-request.js";
import type { OutputSequence } from "../output/output-sequence.js";
import type { ResponseShape, Usage } from "./response-shape.js";

export interface StallPlan {
  afterTokens: number;
  wallMs: number;
}

/** `promptTokensDetails`: report cached_tokens (vLLM's --enable-prompt-tokens-details), else null. */
export function usageOf(request: EngineRequest, promptTokensDetails: boolean): Usage {
  return {
    prompt_tokens: request.numPromptTokens,
    total_tokens: request.numPromptTokens + request.numOutput,
    completion_tokens: request.numOutput,
    prompt_tokens_details: promptTokensDetails ? { cached_tokens: request.numCachedPromptTokens } : null,
  };
}

export class StreamResponder implements RequestListener {
  private started = false;
  private tokensSent = 0;
  private stalled: string | null = null;
  private stallDone = false;
  private stalledEnd = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly shape: ResponseShape,
    private readonly output: OutputSequence,
    private readonly includeUsage: boolean,
    private readonly echoText: string | null,
    private readonly stall: StallPlan | undefined,
    private readonly promptTokensDetails: boolean,
  ) {}

  onProgress(request: EngineRequest): void {
    if (this.res.destroyed) return;
    const finished = request.status === "finished";
    if (finished && request.finishReason === "abort" && this.res.writableEnded) return;
    const { shape } = this;
    let out = "";
    if (!this.started) {
      this.started = true;
      out += shape.first;
      if (this.echoText !== null) out += shape.open + JSON.stringify(this.echoText) + shape.next;
    }
    const deltas = this.output.takeDeltas();
    const lastIndex = finished ? deltas.length - 1 : deltas.length;
    for (let i = 0; i < lastIndex; i++) {
      const d = deltas[i]!;
      if (d !== "") out += shape.open + JSON.stringify(d) + shape.next;
      this.tokensSent++;
      if (this.stall && !this.stallDone && this.tokensSent >= this.stall.afterTokens) {
        this.send(out, false);
        out = "";
        this.startStall(this.stall.wallMs);
      }
    }
    if (finished) {
      const reason = request.finishReason ?? "abort";
      out += shape.open + JSON.stringify(deltas[lastIndex] ?? "") + shape.last(reason, this.output.stopReason);
      if (this.includeUsage) out += shape.usageChunk(usageOf(request, this.promptTokensDetails));
      out += "data: [DONE]\n\n";
    }
    this.send(out, finished);
  }

  private send(text: string, end: boolean): void {
    if (this.stalled !== null) {
      this.stalled += text;
      if (end) this.stalledEnd = true;
      return;
    }
    if (text !== "") this.res.write(text);
    if (end) this.res.end();
  }

  private startStall(wallMs: number): void {
    this.stallDone = true;
    this.stalled = "";
    const timer = setTimeout(() => {
      const text = this.stalled ?? "";
      this.stalled = null;
      if (this.res.destroyed) return;
      if (text !== "") this.res.write(text);
      if (this.stalledEnd) this.res.end();
    }, wallMs);
    this.res.once("close", () => clearTimeout(timer));
  }
}
