// One backend generation's client span: started when the request is dispatched, its context sent
// to the backend in the request's headers (so the backend's spans join it), ended with the usage
// and finish reason, or with the error.
import { propagation, SpanStatusCode, trace, type Context, type Span } from "@opentelemetry/api";
import type { TokenCounts } from "./llm-request.js";

/** The end of a backend's stream, as far as the span needs it. */
export interface GenerationEnd {
  finishReason: string;
  usage: TokenCounts;
  responseId?: string | undefined;
  responseModel?: string | undefined;
}

export class GenerationSpan {
  /** Trace context headers (W3C traceparent with the default propagator) for the backend request. */
  readonly headers: Record<string, string> = {};

  constructor(
    private readonly span: Span,
    parent: Context,
  ) {
    propagation.inject(trace.setSpan(parent, span), this.headers);
  }

  /** Usage and response attributes, then the span ends. */
  end(end: GenerationEnd): void {
    this.span.setAttributes({
      "gen_ai.usage.input_tokens": end.usage.promptTokens,
      "gen_ai.usage.output_tokens": end.usage.outputTokens,
      "gen_ai.response.finish_reasons": [end.finishReason],
      ...(end.responseId ? { "gen_ai.response.id": end.responseId } : {}),
      ...(end.responseModel ? { "gen_ai.response.model": end.responseModel } : {}),
    });
    this.span.end();
  }

  /** The generation failed (or the caller went away: `cancelled`); the span ends as an error. */
  fail(error: unknown, cancelled: boolean): void {
    this.span.recordException(error as Error);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: cancelled ? "cancelled" : String(error) });
    this.span.end();
  }
}
