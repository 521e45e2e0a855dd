// What every answer to fuzzed input must look like. A client's mistake is INVALID_ARGUMENT,
// NOT_FOUND or OUT_OF_RANGE with a message that starts with the field at fault ("reviews[2].rating:
// ..."), never INTERNAL or UNKNOWN; a message never echoes a huge input back.
import { status as Status } from "@grpc/grpc-js";
import { MAX_ERROR_MESSAGE_CHARS } from "@reviewlens/runtime";

export type Category = "valid" | "boundary" | "mutation" | "raw" | "oversize" | "context";
export const CATEGORIES: readonly Category[] = ["valid", "boundary", "mutation", "raw", "oversize", "context"];

export interface Outcome {
  code: Status;
  details: string;
  answers: unknown[];
}

/** The client errors the issue allows, besides OK. */
const CLIENT_ERRORS = new Set([Status.INVALID_ARGUMENT, Status.NOT_FOUND, Status.OUT_OF_RANGE]);
/** "field: reason", the field as a proto path: reviews[0].created_at, request.sampling.top_p. */
const FIELD_FIRST = /^[a-z_][a-z0-9_]*(\[\d+\])*(\.[a-z_][a-z0-9_]*(\[\d+\])*)*: \S/;
/** Longer messages echo input back (a 1 MB value would not even fit in the trailers); the services cap theirs at 1 000 plus a note. */
export const MAX_DETAILS_CHARS = MAX_ERROR_MESSAGE_CHARS + 100;

export const codeName = (code: Status): string => Status[code] ?? String(code);

/** Problems with one answer; [] when it is acceptable for any input. */
export function judge(outcome: Outcome, allowed: ReadonlySet<Status> = CLIENT_ERRORS): string[] {
  const problems: string[] = [];
  const { code, details } = outcome;
  if (code !== Status.OK && !allowed.has(code)) problems.push(`answered ${codeName(code)}: ${details.slice(0, 300)}`);
  if (CLIENT_ERRORS.has(code) && !FIELD_FIRST.test(details)) problems.push(`${codeName(code)} does not start with the field at fault: ${JSON.stringify(details.slice(0, 200))}`);
  if (details.length > MAX_DETAILS_CHARS) problems.push(`a ${details.length}-character message echoes the input: ${JSON.stringify(details.slice(0, 120))}...`);
  return problems;
}

/** The field a client-error message names (the part before the first ": "). */
export const namedField = (details: string): string => details.slice(0, details.indexOf(": "));
