// What went wrong, in the domain's words. Domain code throws these and never names a transport
// status: the gRPC edge (error-mapping.ts) turns them into statuses, messages and retry trailers,
// and the gateway's HTTP facade into OpenAI-style errors, each in one place.
import { Status } from "nice-grpc-common";

/** An error the edges know how to answer; anything else is a bug (INTERNAL, logged). */
export abstract class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A request field is wrong; the message names the field. */
export class InvalidArgumentError extends DomainError {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The request passed our checks, but the system that would serve it refused it as malformed. */
export class RequestRefusedError extends DomainError {}

/** What the request names does not exist, or has nothing to work on. */
export class NotFoundError extends DomainError {}

/** The same work is running already; its result will be there once it finishes. */
export class AlreadyRunningError extends DomainError {}

/** Refused at once instead of queued to fail late: too much work is ahead. */
export class OverloadedError extends DomainError {
  constructor(
    message: string,
    /** When trying again makes sense. */
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** Nothing can serve it now (no healthy backend, shutting down, a store it needs is down); another replica or a later try may. */
export class UnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterMs?: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Refused before any of its work started (the server is draining, the request never left the
 * queue): safe to send again, to another replica, whatever the method. `reason` travels in the
 * reviewlens-unprocessed trailer, which the client's unprocessed-call retry looks for.
 */
export class NotStartedError extends UnavailableError {
  constructor(
    message: string,
    readonly reason = "shutting-down",
  ) {
    super(message);
  }
}

/** A service this one called failed; `code` is the gRPC status it answered with. */
export class DependencyError extends DomainError {
  constructor(
    readonly dependency: string,
    readonly code: Status,
    readonly details: string,
  ) {
    super(`${dependency}: ${Status[code]}: ${details}`);
  }
}

/** The deployment does not fit together (e.g. the embedding model's dimension is not the configured one). */
export class MisconfiguredError extends DomainError {}

/** The work was stopped midway because it lost what it held (e.g. its lock expired). */
export class InterruptedError extends DomainError {}

/** The caller went away. */
export class CancelledError extends DomainError {}

/** The work ran and could not produce a usable result (e.g. the model's answers never matched the schema). */
export class UnusableResultError extends DomainError {}
