// What the guard needs from a lock store: Redis (several replicas) or an in-process table (one).

/** A held lock: its owner's value (compare-and-delete/extend match on it) and fencing number. */
export interface LockLease {
  readonly key: string;
  /** Random token plus acquisition time; only the owner knows it. */
  readonly value: string;
  /** Increases with every acquisition of the key, also across restarts (see fencing-floor.ts). */
  readonly fencing: number;
}

export type AcquireResult =
  | { readonly acquired: true; readonly lease: LockLease }
  | { readonly acquired: false; readonly heldForMs: number | undefined };

export interface LockBackend {
  /** Where the locks live, for messages ("redis://127.0.0.1:6379" or "in-process"). */
  readonly description: string;
  acquire(key: string, ttlMs: number): Promise<AcquireResult>;
  /** Pushes the expiry out; false when the lease was lost (expired and possibly taken). */
  extend(lease: LockLease, ttlMs: number): Promise<boolean>;
  /** Deletes the key only if the lease still owns it; false when it did not. */
  release(lease: LockLease): Promise<boolean>;
  close(): Promise<void>;
}

/** The lock store cannot be reached (or cannot vouch for its locks); the guard applies LOCK_UNAVAILABLE. */
export class LockUnavailableError extends Error {
  constructor(backend: string, cause: unknown, problem = "is unreachable") {
    super(`lock store ${backend} ${problem}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "LockUnavailableError";
  }
}

/** The key of one (restaurant, analysis) lock, as SPEC section 3 names it. */
export function lockKey(prefix: string, restaurantId: string, analysisType: string): string {
  return `${prefix}lock:${restaurantId}:${analysisType}`;
}

/** Lock value: a random token and when it was taken, so a refused caller learns the holder's age. */
export function lockValue(token: string, acquiredAtMs: number): string {
  return `${token}:${acquiredAtMs}`;
}

export function acquiredAtOf(value: string): number | undefined {
  const ms = Number(value.slice(value.lastIndexOf(":") + 1));
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
