// Maps domain errors to gRPC statuses in one place; unexpected errors become INTERNAL and are logged.
import { isAbortError } from "abort-controller-x";
import { ServerError, Status, type ServerMiddleware } from "nice-grpc";
import { InvalidArgumentError, StatusError } from "./errors.js";
import type { Logger } from "./logger.js";

export function errorMappingMiddleware(logger: Logger): ServerMiddleware {
  return async function* errorMapping(call, context) {
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      if (error instanceof ServerError || isAbortError(error)) throw error;
      if (error instanceof InvalidArgumentError) throw new ServerError(Status.INVALID_ARGUMENT, error.message);
      if (error instanceof StatusError) {
        for (const [key, value] of Object.entries(error.trailers)) context.trailer.set(key, value);
        throw new ServerError(error.status, error.message);
      }
      logger.error({ err: error, method: call.method.path }, "unexpected error in handler");
      throw new ServerError(Status.INTERNAL, `internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
