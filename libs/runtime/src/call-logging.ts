// One log line per completed call, with its status and duration (inside the trace span).
import { isAbortError } from "abort-controller-x";
import { ServerError, Status, type ServerMiddleware } from "nice-grpc";
import type { Logger } from "./logger.js";

export function callLoggingMiddleware(logger: Logger): ServerMiddleware {
  return async function* callLogging(call, context) {
    const started = performance.now();
    const method = call.method.path;
    try {
      const result = yield* call.next(call.request, context);
      if (!method.startsWith("/grpc.")) logger.info({ method, code: "OK", ms: round(started) }, "rpc");
      return result;
    } catch (error) {
      const code = error instanceof ServerError ? Status[error.code] : isAbortError(error) ? "CANCELLED" : "UNKNOWN";
      const details = error instanceof ServerError ? error.details : String(error);
      logger.warn({ method, code, ms: round(started), details }, "rpc failed");
      throw error;
    }
  };
}

const round = (started: number) => Math.round((performance.now() - started) * 10) / 10;
