// Error messages never carry a huge input back: gRPC sends the message in a trailer, where a large
// one breaks the call (the client waits for its deadline), and a log line should stay a line.

/** A client's value quoted for an error message, cut to `max` characters (with its length). */
export function quoted(value: string, max = 64): string {
  return value.length <= max ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, max))}... (${value.length} characters)`;
}

/** Longest error message a service sends; longer ones are cut (a safety net behind `quoted`). */
export const MAX_ERROR_MESSAGE_CHARS = 1_000;

export function capErrorMessage(message: string): string {
  return message.length <= MAX_ERROR_MESSAGE_CHARS ? message : `${message.slice(0, MAX_ERROR_MESSAGE_CHARS)}... (message cut at ${MAX_ERROR_MESSAGE_CHARS} characters)`;
}
