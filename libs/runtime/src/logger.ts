// JSON logs (pino), one line per event, carrying the active trace and span IDs.
import { trace, isSpanContextValid } from "@opentelemetry/api";
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(service: string, level = process.env["LOG_LEVEL"] ?? "info"): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Secrets never reach a log line, even when an object carrying them is logged.
    redact: { paths: ["*.apiKey", "*.api_key", "*.password", "*.authorization", "headers.authorization"], censor: "[redacted]" },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const ctx = span.spanContext();
      return isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
    },
  });
}
