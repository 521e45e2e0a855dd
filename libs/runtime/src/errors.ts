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
