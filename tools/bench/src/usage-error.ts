// A bad argument found after parsing (exit code 2, message printed once).
export class UsageError extends Error {}
