// The one mapping of errors to OpenAI-style HTTP errors for the facade: the status a gRPC caller
// would get (libs/runtime's mapping), as the HTTP status OpenAI clients act on, with Retry-After.
import { InvalidArgumentError, Status, statusOf } from "@reviewlens/runtime";

const STATUS_TO_HTTP: Partial<Record<Status, number>> = {
  [Status.INVALID_ARGUMENT]: 400,
  [Status.UNAUTHENTICATED]: 401,
  [Status.NOT_FOUND]: 404,
  [Status.RESOURCE_EXHAUSTED]: 429,
  [Status.UNAVAILABLE]: 503,
  [Status.DEADLINE_EXCEEDED]: 504,
};

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: { error: { message: string; type: string; param: string | null; code: null } };
}

/** An OpenAI-style error body and its HTTP status (plus Retry-After for overload). */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof InvalidArgumentError) {
    return { status: 400, headers: {}, body: { error: { message: error.message, type: "invalid_request_error", param: error.field, code: null } } };
  }
  const mapped = statusOf(error);
  if (mapped) {
    const headers: Record<string, string> = {};
    if (mapped.retryAfterMs !== undefined) {
      headers["retry-after-ms"] = String(mapped.retryAfterMs);
      headers["retry-after"] = String(Math.max(1, Math.ceil(mapped.retryAfterMs / 1_000)));
    }
    const status = STATUS_TO_HTTP[mapped.status] ?? 500;
    const type = status === 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
    return { status, headers, body: { error: { message: mapped.message, type, param: null, code: null } } };
  }
  return { status: 500, headers: {}, body: { error: { message: error instanceof Error ? error.message : String(error), type: "server_error", param: null, code: null } } };
}
