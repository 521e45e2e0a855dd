// The one mapping of domain errors to gRPC statuses (status, message, retry hint), and the server
// middleware that answers with it; unexpected errors become INTERNAL and are logged. Every message
// leaving a handler is capped: a long one would not fit the trailers that carry it.
import { isAbortError } from "abort-controller-x";
import { ServerError, Status, type ServerMiddleware } from "nice-grpc";
import {
  AlreadyRunningError,
  CancelledError,
  DependencyError,
  DomainError,
  InterruptedError,
  InvalidArgumentError,
  MisconfiguredError,
  NotStartedError,
  NotFoundError,
  OverloadedError,
  RequestRefusedError,
  UnavailableError,
  UnusableResultError,
} from "./domain-errors.js";
import { capErrorMessage } from "./error-messages.js";
import type { Logger } from "./logger.js";
import { UNPROCESSED_TRAILER } from "./unprocessed-calls.js";

export interface ErrorStatus {
  status: Status;
  message: string;
  /** Sent as grpc-retry-pushback-ms (Retry-After over HTTP). */
  retryAfterMs?: number | undefined;
}

// A dependency's status is passed on where it means the same to our caller; any other is our INTERNAL.
const PASSED_THROUGH = new Set([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED, Status.RESOURCE_EXHAUSTED, Status.CANCELLED, Status.NOT_FOUND, Status.ALREADY_EXISTS]);

function statusCode(error: DomainError): Status | undefined {
  if (error instanceof InvalidArgumentError || error instanceof RequestRefusedError) return Status.INVALID_ARGUMENT;
  if (error instanceof NotFoundError) return Status.NOT_FOUND;
  if (error instanceof AlreadyRunningError) return Status.ALREADY_EXISTS;
  if (error instanceof OverloadedError) return Status.RESOURCE_EXHAUSTED;
  if (error instanceof UnavailableError) return Status.UNAVAILABLE;
  if (error instanceof DependencyError) return PASSED_THROUGH.has(error.code) ? error.code : Status.INTERNAL;
  if (error instanceof MisconfiguredError) return Status.FAILED_PRECONDITION;
  if (error instanceof InterruptedError) return Status.ABORTED;
  if (error instanceof CancelledError) return Status.CANCELLED;
  if (error instanceof UnusableResultError) return Status.INTERNAL;
  return undefined;
}

/** The status a caller gets for `error`; undefined when it is not one of the domain errors (a bug). */
export function statusOf(error: unknown): ErrorStatus | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const status = statusCode(error);
  if (status === undefined) return undefined;
  const retryAfterMs = error instanceof OverloadedError || error instanceof UnavailableError ? error.retryAfterMs : undefined;
  return { status, message: error.message, retryAfterMs };
}

export function errorMappingMiddleware(logger: Logger): ServerMiddleware {
  return async function* errorMapping(call, context) {
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (error instanceof ServerError) throw capErrorMessage(error.details) === error.details ? error : new ServerError(error.code, capErrorMessage(error.details));
      const mapped = statusOf(error);
      if (mapped) {
        if (mapped.retryAfterMs !== undefined) context.trailer.set("grpc-retry-pushback-ms", String(mapped.retryAfterMs));
        if (error instanceof NotStartedError) context.trailer.set(UNPROCESSED_TRAILER, error.reason);
        throw new ServerError(mapped.status, capErrorMessage(mapped.message));
      }
      logger.error({ err: error, method: call.method.path }, "unexpected error in handler");
      throw new ServerError(Status.INTERNAL, capErrorMessage(`internal error: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
}

export { Status };
