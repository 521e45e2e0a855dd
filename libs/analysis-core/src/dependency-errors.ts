// Errors of the services an analysis calls, as statuses its own caller can act on (the runtime's
// error mapping would turn a foreign ClientError into INTERNAL).
import { ClientError, Status } from "nice-grpc-common";
import { StatusError } from "@reviewlens/runtime";

const PASSED_THROUGH = new Set([Status.UNAVAILABLE, Status.DEADLINE_EXCEEDED, Status.RESOURCE_EXHAUSTED, Status.CANCELLED, Status.NOT_FOUND, Status.ALREADY_EXISTS]);

/** Rethrows a dependency's gRPC error with its status kept where it means the same to our caller. */
export function asDependencyError(error: unknown, dependency: string, overrides: Partial<Record<Status, Status>> = {}): unknown {
  if (!(error instanceof ClientError)) return error;
  const status = overrides[error.code] ?? (PASSED_THROUGH.has(error.code) ? error.code : Status.INTERNAL);
  return new StatusError(status, `${dependency}: ${Status[error.code]}: ${error.details}`);
}
