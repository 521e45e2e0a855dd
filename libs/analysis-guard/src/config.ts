// The guard's environment settings, for the analysis services to merge into their config schema.
import type { Meter } from "@opentelemetry/api";
import { env, type ConfigOf, type Logger } from "@reviewlens/runtime";
import { createAnalysisGuard, type AnalysisGuard, type GuardStateStore } from "./analysis-guard.js";
import type { LockBackend } from "./lock-backend.js";
import { createMemoryLock } from "./memory-lock.js";
import { createRedisLock } from "./redis-lock.js";

export const analysisGuardSchema = {
  REDIS_URL: env.optional(env.url()).describe("Redis for the distributed analysis lock (`redis://host:6379`); unset: an in-process lock table (one process only)"),
  LOCK_TTL_MS: env.integer(1_000, 3_600_000, 30_000).describe("analysis lock lifetime without extension (how long a crashed holder blocks)"),
  LOCK_UNAVAILABLE: env.oneOf(["fail", "proceed"] as const, "fail").describe("Redis configured but down: `fail` (answer UNAVAILABLE) or `proceed` (run unlocked, logged and counted, fenced by the clock)"),
  LOCK_REDIS_TIMEOUT_MS: env.integer(10, 60_000, 1_000).describe("per-command timeout before Redis counts as unavailable"),
  LOCK_KEY_PREFIX: env.optional(env.string()).describe("prefix for lock keys (several stacks on one Redis); unset: none"),
  SKIP_MIN_INTERVAL_SECONDS: env.integer(0, 30 * 24 * 3600, 3600).describe("SKIP window: a success younger than this, on unchanged reviews, is answered from the stored result; 0 turns SKIP off"),
};

export type AnalysisGuardConfig = ConfigOf<typeof analysisGuardSchema>;

export interface ConfiguredGuard extends AnalysisGuard {
  /** Where the locks live, for logs and readiness messages. */
  readonly lockDescription: string;
  /** Rejects while the lock store cannot be reached (always resolves for the in-process table). */
  lockReady(): Promise<void>;
}

export function createLockBackend(config: AnalysisGuardConfig, logger: Logger): LockBackend & { ready(): Promise<void> } {
  if (config.REDIS_URL) return createRedisLock({ url: config.REDIS_URL, logger, commandTimeoutMs: config.LOCK_REDIS_TIMEOUT_MS });
  return Object.assign(createMemoryLock(), { ready: async () => undefined });
}

export function createAnalysisGuardFromConfig(
  config: AnalysisGuardConfig,
  deps: { store: GuardStateStore; logger: Logger; meter?: Meter | undefined },
): ConfiguredGuard {
  const lock = createLockBackend(config, deps.logger);
  const guard = createAnalysisGuard({
    lock,
    ...deps,
    lockTtlMs: config.LOCK_TTL_MS,
    lockUnavailable: config.LOCK_UNAVAILABLE,
    skipMinIntervalSeconds: config.SKIP_MIN_INTERVAL_SECONDS,
    keyPrefix: config.LOCK_KEY_PREFIX ?? "",
  });
  return { ...guard, lockDescription: lock.description, lockReady: () => lock.ready() };
}
