// Domain errors that handlers throw; the error-mapping middleware turns them into gRPC statuses.
import { Status } from "nice-grpc-common";

/** A request field is wrong: INVALID_ARGUMENT naming the field. */
export class InvalidArgumentError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = "InvalidArgumentError";
  }
}

/** A domain error that carries its own gRPC status (NOT_FOUND, ALREADY_EXISTS, ...). */
export class StatusError extends Error {
  constructor(
    readonly status: Status,
    message: string,
    /** Trailers to send with the error, e.g. grpc-retry-pushback-ms. */
    readonly trailers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "StatusError";
  }
}

export { Status };

/**
 * A client's value quoted for an error message, cut to `max` characters: a message never echoes a
 * huge input back (gRPC carries it in a trailer, where a large one breaks the call).
 */
export function quoted(value: string, max = 64): string {
  return value.length <= max ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, max))}... (${value.length} characters)`;
}

/** Longest error message a service sends; longer ones are cut (a safety net behind `quoted`). */
export const MAX_ERROR_MESSAGE_CHARS = 1_000;

export function capErrorMessage(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE_CHARS ? message : `${message.slice(0, MAX_ERROR_MESSAGE_CHARS)}... (message cut at ${MAX_ERROR_MESSAGE_CHARS} characters)`;
}
