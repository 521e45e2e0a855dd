// OpenAI-style error bodies, as vLLM's server returns them.
import type { ServerResponse } from "node:http";

const TYPES: Record<number, string> = {
  400: "BadRequestError",
  404: "NotFoundError",
  405: "MethodNotAllowedError",
  413: "RequestTooLargeError",
  429: "RateLimitError",
  500: "InternalServerError",
  503: "ServiceUnavailableError",
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
    /** The body's `type`; by default the class name for the status. */
    readonly type: string = TYPES[status] ?? "Error",
  ) {
    super(message);
  }
}

/** A 400 that names the offending field. */
export const badField = (param: string, reason: string) => new ApiError(400, `${param}: ${reason}`, param);

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(
    res,
    error.status,
    { error: { message: error.message, type: error.type, param: error.param, code: error.status } },
    error.headers,
  );
}
