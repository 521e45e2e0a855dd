// The one place every analysis RPC goes through (SPEC section 3):
//   take lock -> SKIP check -> run -> record metrics and state -> release.
import type { Meter } from "@opentelemetry/api";
import type { AnalysisMetricsRow, AnalysisState, AnalysisStateWrite, StateWriteOutcome } from "@reviewlens/metrics-store";
import { AlreadyRunningError, InterruptedError, InvalidArgumentError, UnavailableError, type Logger } from "@reviewlens/runtime";
import { nextFencing, nowMicros } from "./fencing-floor.js";
import { lockKey, LockUnavailableError, type LockBackend, type LockLease } from "./lock-backend.js";
import { decideSkip, type AnalysisVersion } from "./skip-policy.js";

/** The part of the metrics store the guard uses. */
export interface GuardStateStore {
  getAnalysisState(restaurantId: string, analysisType: string, signal?: AbortSignal): Promise<AnalysisState | undefined>;
  writeAnalysisState(write: AnalysisStateWrite): Promise<StateWriteOutcome>;
  recordAnalysisMetrics(row: AnalysisMetricsRow): void;
}

export type LockUnavailablePolicy = "fail" | "proceed";

export interface AnalysisGuardOptions {
  readonly lock: LockBackend;
  readonly store: GuardStateStore;
  readonly logger: Logger;
  readonly meter?: Meter | undefined;
  /** SKIP window (SKIP_MIN_INTERVAL_SECONDS, default 3600). */
  readonly skipMinIntervalSeconds?: number;
  /** Lock TTL (LOCK_TTL_MS, default 30 s); a crashed holder's lock is free after it. */
  readonly lockTtlMs?: number;
  /** How often a running analysis extends its lock; default a third of the TTL. */
  readonly extendEveryMs?: number;
  /**
   * Calls `tick` every `everyMs` until the returned stop is called, to extend the lock of a running
   * analysis. Default: a wall-clock setInterval; a simulation on virtual time passes its own timer.
   */
  readonly every?: (everyMs: number, tick: () => void) => () => void;
  /** Redis configured but unreachable (LOCK_UNAVAILABLE, default fail). */
  readonly lockUnavailable?: LockUnavailablePolicy;
  /** Prepended to every lock key (LOCK_KEY_PREFIX), e.g. to share one Redis between stacks. */
  readonly keyPrefix?: string;
  readonly now?: () => number;
}

export interface GuardRequest {
  readonly restaurantId: string;
  readonly analysisType: string;
  /** Bypasses SKIP, never the lock. */
  readonly force?: boolean;
  /** The restaurant's reviews as the analysis will read them (vector-search's GetRestaurantStats). */
  readonly version: AnalysisVersion;
  readonly signal?: AbortSignal;
}

/** What the analysis reports about its run (for analysis_metrics). */
export interface AnalysisRun<R> {
  readonly result: R;
  readonly tokensUsed?: number;
  /** Prompt tokens, of which cachedPromptTokens the backend's prefix cache served, and output tokens. */
  readonly promptTokens?: number;
  readonly cachedPromptTokens?: number;
  readonly outputTokens?: number;
  readonly reviewsConsidered?: number;
  readonly batchSize?: number;
  readonly warningCount?: number;
  readonly errorCount?: number;
}

export interface ExecuteContext {
  /** Aborted when the caller goes away or the lock is lost to another holder. */
  readonly signal: AbortSignal;
  readonly fencing: number;
}

export type GuardOutcome<R> =
  | {
      readonly status: "COMPLETED";
      readonly result: R;
      readonly run: AnalysisRun<R>;
      readonly processingMs: number;
      readonly fencing: number;
      /** stale: a newer holder already wrote; this result was returned but not stored. */
      readonly stateWrite: StateWriteOutcome;
    }
  | { readonly status: "SKIPPED"; readonly result: R; readonly analyzedAt: Date; readonly ageSeconds: number; readonly processingMs: number }
  | { readonly status: "FAILED"; readonly error: Error; readonly processingMs: number };

/** Turns results into JSON for analysis_state and back (default: the object as it is). */
export interface ResultCodec<R> {
  encode(result: R): unknown;
  decode(stored: unknown): R;
}

export interface AnalysisGuard {
  run<R>(request: GuardRequest, execute: (ctx: ExecuteContext) => Promise<AnalysisRun<R>>, codec?: ResultCodec<R>): Promise<GuardOutcome<R>>;
  close(): Promise<void>;
}

const identity: ResultCodec<never> = { encode: (r) => r, decode: (s) => s as never };

const wallClockEvery = (everyMs: number, tick: () => void) => {
  const timer = setInterval(tick, everyMs);
  return () => clearInterval(timer);
};

export function createAnalysisGuard(options: AnalysisGuardOptions): AnalysisGuard {
  const { lock, store, logger } = options;
  const now = options.now ?? Date.now;
  const every = options.every ?? wallClockEvery;
  const ttlMs = options.lockTtlMs ?? 30_000;
  const extendEveryMs = options.extendEveryMs ?? Math.max(10, Math.floor(ttlMs / 3));
  const minIntervalSeconds = options.skipMinIntervalSeconds ?? 3600;
  const policy = options.lockUnavailable ?? "fail";
  let unlockedFencing = 0;

  const outcomes = options.meter?.createCounter("analysis_guard_outcomes", {
    description: "Analysis calls by outcome: completed, skipped, failed, duplicate (ALREADY_EXISTS), lock_unavailable",
  });
  const lockSeconds = options.meter?.createHistogram("analysis_lock_acquire_seconds", {
    description: "Time to take (or be refused) the analysis lock",
    unit: "s",
    advice: { explicitBucketBoundaries: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5] },
  });
  const count = (analysisType: string, outcome: string) => outcomes?.add(1, { analysis_type: analysisType, outcome });

  async function takeLock(req: GuardRequest): Promise<LockLease | undefined> {
    const key = lockKey(options.keyPrefix ?? "", req.restaurantId, req.analysisType);
    const started = performance.now();
    try {
      const got = await lock.acquire(key, ttlMs);
      lockSeconds?.record((performance.now() - started) / 1000, { analysis_type: req.analysisType });
      if (got.acquired) return got.lease;
      count(req.analysisType, "duplicate");
      const heldFor = got.heldForMs === undefined ? "" : ` (held for ${(got.heldForMs / 1000).toFixed(1)} s)`;
      throw new AlreadyRunningError(
        `${req.analysisType} analysis of restaurant ${req.restaurantId} is already running${heldFor}; ` +
          `its result will be stored, retry after it finishes`,
      );
    } catch (err) {
      if (!(err instanceof LockUnavailableError)) throw err;
      count(req.analysisType, "lock_unavailable");
      if (policy === "fail") {
        throw new UnavailableError(
          `${err.message}; refusing to run ${req.analysisType} of restaurant ${req.restaurantId} without the lock ` +
            `(LOCK_UNAVAILABLE=fail; set LOCK_UNAVAILABLE=proceed to run unlocked while the lock store is down)`,
        );
      }
      logger.warn({ err: err.message, restaurantId: req.restaurantId, analysisType: req.analysisType }, "running without the lock (LOCK_UNAVAILABLE=proceed)");
      return undefined;
    }
  }

  /** Keeps the lock while the analysis runs; aborts it if another holder took the lock over. */
  function keepLock(lease: LockLease, abort: AbortController): () => void {
    return every(extendEveryMs, () => {
      lock.extend(lease, ttlMs).then(
        (kept) => {
          if (kept) return;
          logger.error({ key: lease.key, fencing: lease.fencing }, "analysis lock lost while running; stopping the analysis");
          abort.abort(new InterruptedError(`the lock ${lease.key} expired while the analysis ran; it was stopped`));
        },
        // Lock store unreachable: keep running; fencing still stops a stale write.
        (err: Error) => logger.warn({ err: err.message, key: lease.key }, "could not extend the analysis lock"),
      );
    });
  }

  async function readState(req: GuardRequest): Promise<AnalysisState | undefined> {
    try {
      return await store.getAnalysisState(req.restaurantId, req.analysisType, req.signal);
    } catch (err) {
      if (req.signal?.aborted) throw err;
      // No SKIP without the state, but the analysis itself does not need the database.
      logger.warn({ err: (err as Error).message, restaurantId: req.restaurantId }, "analysis_state unreadable; running without the SKIP check");
      return undefined;
    }
  }

  function metricsRow(req: GuardRequest, status: AnalysisMetricsRow["status"], processingMs: number, run?: AnalysisRun<unknown>): AnalysisMetricsRow {
    return {
      restaurantId: req.restaurantId,
      analysisType: req.analysisType,
      status,
      processingTimeMs: processingMs,
      tokensUsed: run?.tokensUsed ?? 0,
      promptTokens: run?.promptTokens ?? 0,
      cachedPromptTokens: run?.cachedPromptTokens ?? 0,
      outputTokens: run?.outputTokens ?? 0,
      reviewsConsidered: run?.reviewsConsidered ?? 0,
      batchSize: run?.batchSize ?? 0,
      cacheHit: status === "skipped",
      errorCount: status === "failed" ? Math.max(1, run?.errorCount ?? 0) : (run?.errorCount ?? 0),
      warningCount: run?.warningCount ?? 0,
    };
  }

  return {
    async run<R>(
      req: GuardRequest,
      execute: (ctx: ExecuteContext) => Promise<AnalysisRun<R>>,
      codec: ResultCodec<R> = identity,
    ): Promise<GuardOutcome<R>> {
      if (!req.restaurantId) throw new InvalidArgumentError("restaurant_id", "must not be empty");
      if (!req.analysisType) throw new InvalidArgumentError("analysis_type", "must not be empty");
      req.signal?.throwIfAborted();
      const started = performance.now();
      const elapsed = () => performance.now() - started;

      const lease = await takeLock(req);
      const fencing = lease?.fencing ?? (unlockedFencing = nextFencing(unlockedFencing, nowMicros()));
      const abort = new AbortController();
      const onCallerAbort = () => abort.abort(req.signal?.reason);
      req.signal?.addEventListener("abort", onCallerAbort, { once: true });
      if (req.signal?.aborted) onCallerAbort(); // cancelled while the lock was being taken
      const stopKeeping = lease ? keepLock(lease, abort) : () => undefined;
      try {
        const decision = decideSkip({
          // A forced run never skips: its state is not read (one query less before the analysis).
          state: req.force ? undefined : await readState(req),
          version: req.version,
          force: req.force ?? false,
          nowMs: now(),
          minIntervalSeconds,
        });
        if (decision.skip) {
          const processingMs = elapsed();
          store.recordAnalysisMetrics(metricsRow(req, "skipped", processingMs));
          count(req.analysisType, "skipped");
          return {
            status: "SKIPPED",
            result: codec.decode(decision.storedResult),
            analyzedAt: decision.analyzedAt,
            ageSeconds: decision.ageSeconds,
            processingMs,
          };
        }

        const attemptAt = new Date(now());
        let run: AnalysisRun<R>;
        try {
          abort.signal.throwIfAborted();
          run = await execute({ signal: abort.signal, fencing });
          abort.signal.throwIfAborted();
        } catch (err) {
          const processingMs = elapsed();
          store.recordAnalysisMetrics(metricsRow(req, "failed", processingMs));
          await store
            .writeAnalysisState({ restaurantId: req.restaurantId, analysisType: req.analysisType, fencing, attemptAt })
            .catch((e: Error) => logger.warn({ err: e.message }, "could not record the failed attempt"));
          count(req.analysisType, "failed");
          return { status: "FAILED", error: err instanceof Error ? err : new Error(String(err)), processingMs };
        }
        const stateWrite = await store.writeAnalysisState({
          restaurantId: req.restaurantId,
          analysisType: req.analysisType,
          fencing,
          attemptAt,
          success: { at: new Date(now()), ...req.version, result: codec.encode(run.result) },
        });
        if (stateWrite === "stale") {
          logger.warn({ restaurantId: req.restaurantId, analysisType: req.analysisType, fencing }, "a newer analysis already stored its result; this one was not stored");
        }
        const processingMs = elapsed();
        store.recordAnalysisMetrics(metricsRow(req, "completed", processingMs, run));
        count(req.analysisType, "completed");
        return { status: "COMPLETED", result: run.result, run, processingMs, fencing, stateWrite };
      } finally {
        stopKeeping();
        req.signal?.removeEventListener("abort", onCallerAbort);
        if (lease) {
          await lock.release(lease).catch((err: Error) =>
            // Unreleased, it expires after the TTL.
            logger.warn({ err: err.message, key: lease.key }, "could not release the analysis lock"),
          );
        }
      }
    },
    close: () => lock.close(),
  };
}
