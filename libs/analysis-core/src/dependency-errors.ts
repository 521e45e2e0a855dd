// Errors of the services an analysis calls, as domain errors that name the dependency (the runtime's
// error mapping would turn a foreign ClientError into INTERNAL; it decides what our caller gets).
import { ClientError } from "nice-grpc-common";
import { DependencyError } from "@reviewlens/runtime";

/** A dependency's gRPC error as a DependencyError; anything else unchanged. */
export function asDependencyError(error: unknown, dependency: string): unknown {
  if (!(error instanceof ClientError)) return error;
  return new DependencyError(dependency, error.code, error.details);
}
