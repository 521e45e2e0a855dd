// Maps domain errors to gRPC statuses in one place; unexpected errors become INTERNAL and are logged.
// Every message leaving a handler is capped: a long one would not fit the trailers that carry it.
import { isAbortError } from "abort-controller-x";
import { ServerError, Status, type ServerMiddleware } from "nice-grpc";
import { capErrorMessage, InvalidArgumentError, StatusError } from "./errors.js";
import type { Logger } from "./logger.js";

export function errorMappingMiddleware(logger: Logger): ServerMiddleware {
  return async function* errorMapping(call, context) {
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (error instanceof ServerError) throw error.details.length > 0 ? new ServerError(error.code, capErrorMessage(error.details)) : error;
      if (error instanceof InvalidArgumentError) throw new ServerError(Status.INVALID_ARGUMENT, capErrorMessage(error.message));
      if (error instanceof StatusError) {
        for (const [key, value] of Object.entries(error.trailers)) context.trailer.set(key, value);
        throw new ServerError(error.status, capErrorMessage(error.message));
      }
      logger.error({ err: error, method: call.method.path }, "unexpected error in handler");
      throw new ServerError(Status.INTERNAL, capErrorMessage(`internal error: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
}
