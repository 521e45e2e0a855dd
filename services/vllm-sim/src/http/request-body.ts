import type { IncomingMessage } from "node:http";
import { ApiError } from "./api-error.js";

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Reads and parses a JSON object body; a malformed body is a 400, a huge one a 413. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new ApiError(400, "request body is not valid JSON", "body");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError(400, "request body must be a JSON object", "body");
  return body as Record<string, unknown>;
}
