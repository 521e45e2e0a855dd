// The metrics store: a `pg` pool on PostgreSQL (DATABASE_URL) or on embedded PGlite (DATA_DIR),
// migrated at open, with batched outage-tolerant writers for the two metrics tables and direct
// reads/writes of analysis_state (the SKIP lookup and the fenced result write).
import { join } from "node:path";
import type { Meter } from "@opentelemetry/api";
import type { Logger } from "@reviewlens/runtime";
import { redactUrl } from "@reviewlens/runtime/redact-url";
import pg from "pg";
import { BatchedWriter, type BatchedWriterOptions, type BatchedWriterStats } from "./batched-writer.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded-postgres.js";
import { migrate } from "./migrations.js";
import type { AnalysisMetricsRow, AnalysisState, AnalysisStateWrite, StateWriteOutcome, VllmMetricsRow } from "./rows.js";
import {
  insertAnalysisMetrics,
  insertVllmMetrics,
  keyAnalysisRow,
  type KeyedAnalysisRow,
  type StampedVllmRow,
  selectAnalysisState,
  selectAnalysisStates,
  stampVllmRow,
  upsertAnalysisState,
} from "./sql.js";

export interface MetricsStoreOptions {
  /** PostgreSQL URL; without it the embedded PGlite under dataDir is used. */
  readonly databaseUrl?: string | undefined;
  /** Root data directory of the embedded default; the store keeps `metrics/<name>` under it. */
  readonly dataDir?: string | undefined;
  /** Names the embedded database directory; defaults to the logger's `service`. */
  readonly name?: string | undefined;
  readonly logger: Logger;
  readonly meter?: Meter | undefined;
  readonly batchSize?: number;
  readonly maxBufferedRows?: number;
  readonly flushIntervalMs?: number;
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** How long close() keeps trying to write buffered rows. */
  readonly closeTimeoutMs?: number;
  /** How long open waits for the database to accept the migrations. */
  readonly startupTimeoutMs?: number;
  readonly poolSize?: number;
}

export interface MetricsStore {
  /** Where the store writes: the PostgreSQL URL (password hidden) or the embedded directory. */
  readonly location: string;
  recordAnalysisMetrics(row: AnalysisMetricsRow): void;
  recordVllmMetrics(row: VllmMetricsRow): void;
  /** Resolves once every row recorded before the call is written (waits through an outage). */
  flush(): Promise<void>;
  getAnalysisState(restaurantId: string, analysisType: string, signal?: AbortSignal): Promise<AnalysisState | undefined>;
  listAnalysisStates(analysisType?: string, signal?: AbortSignal): Promise<AnalysisState[]>;
  /** Fenced upsert; while the database is unreachable the write is queued and retried. */
  writeAnalysisState(write: AnalysisStateWrite): Promise<StateWriteOutcome>;
  /** A read for reports (goodput per day, LLM calls saved); rows as `pg` returns them. */
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[], signal?: AbortSignal): Promise<R[]>;
  /** Rejects when the database cannot be reached (readiness probes). */
  ping(signal?: AbortSignal): Promise<void>;
  stats(): { analysisMetrics: BatchedWriterStats; vllmMetrics: BatchedWriterStats; analysisState: BatchedWriterStats };
  /** Flushes (bounded by closeTimeoutMs), then closes the pool and the embedded server. */
  close(): Promise<void>;
}

async function abortable<T>(start: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return start();
  signal.throwIfAborted();
  const work = start();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}


async function migrateWithRetry(pool: pg.Pool, timeoutMs: number, logger: Logger): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(pool);
    } catch (err) {
      if (Date.now() + 1000 > deadline) {
        throw new Error(`metrics store: cannot migrate the database: ${(err as Error).message}`, { cause: err });
      }
      logger.warn({ err: (err as Error).message, attempt }, "metrics store: database not reachable yet, retrying");
      await new Promise((r) => setTimeout(r, Math.min(1000, 100 * attempt)));
    }
  }
}

export async function openMetricsStore(options: MetricsStoreOptions): Promise<MetricsStore> {
  const { logger } = options;
  let embedded: EmbeddedPostgres | undefined;
  let url = options.databaseUrl;
  let location: string;
  if (url) {
    location = redactUrl(url);
  } else {
    const name = options.name ?? String(logger.bindings()["service"] ?? "metrics");
    location = join(options.dataDir ?? ".data", "metrics", name);
    embedded = await startEmbeddedPostgres(location);
    url = embedded.url;
  }
  const pool = new pg.Pool({
    connectionString: url,
    // PGlite is one session: a single connection keeps every transaction whole.
    max: embedded ? 1 : (options.poolSize ?? 10),
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // A server restart kills idle connections; the pool drops them and the next query reconnects.
  pool.on("error", (err) => logger.warn({ err: err.message }, "metrics store: idle database connection lost"));

  try {
    const applied = await migrateWithRetry(pool, options.startupTimeoutMs ?? 30_000, logger);
    logger.info({ location, embedded: embedded !== undefined, migrationsApplied: applied }, "metrics store ready");
  } catch (err) {
    await pool.end().catch(() => undefined);
    await embedded?.close().catch(() => undefined);
    throw err;
  }

  const dropped = options.meter?.createCounter("metrics_store_rows_dropped", {
    description: "Metrics rows discarded because the write buffer was full during a database outage",
  });
  const writeErrors = options.meter?.createCounter("metrics_store_write_errors", {
    description: "Failed batch writes to the metrics database (each is retried)",
  });

  function writerOptions(table: string): BatchedWriterOptions {
    let droppedSinceLog = 0;
    let lastDropLog = 0;
    return {
      batchSize: options.batchSize ?? 200,
      maxBufferedRows: Math.max(options.maxBufferedRows ?? 100_000, options.batchSize ?? 200),
      flushIntervalMs: options.flushIntervalMs ?? 1_000,
      retryInitialMs: options.retryInitialMs ?? 200,
      retryMaxMs: options.retryMaxMs ?? 10_000,
      onDropped(count) {
        dropped?.add(count, { table });
        droppedSinceLog += count;
        // One line per second at most: an outage under load would otherwise log every row.
        if (Date.now() - lastDropLog >= 1_000) {
          logger.error({ table, dropped: droppedSinceLog }, "metrics store: buffer full, oldest rows dropped");
          droppedSinceLog = 0;
          lastDropLog = Date.now();
        }
      },
      onWriteError(err, failures, retryInMs) {
        writeErrors?.add(1, { table });
        logger.warn({ table, err: (err as Error).message, failures, retryInMs }, "metrics store: write failed, will retry");
      },
      onRecovered(failures) {
        logger.info({ table, failures }, "metrics store: writes resumed");
      },
    };
  }

  const analysisWriter = new BatchedWriter<KeyedAnalysisRow>(
    { write: (rows) => insertAnalysisMetrics(pool, rows) },
    writerOptions("analysis_metrics"),
  );
  const vllmWriter = new BatchedWriter<StampedVllmRow>({ write: (rows) => insertVllmMetrics(pool, rows) }, writerOptions("vllm_metrics"));
  // State writes that met an outage: replayed in order; the fencing guard keeps replays harmless.
  const stateWriter = new BatchedWriter<AnalysisStateWrite>(
    {
      async write(rows) {
        for (const w of rows) await upsertAnalysisState(pool, w);
      },
    },
    writerOptions("analysis_state"),
  );
  options.meter?.createObservableGauge("metrics_store_buffered_rows", {
    description: "Metrics rows waiting to be written",
  }).addCallback((r) => {
    r.observe(analysisWriter.stats().buffered, { table: "analysis_metrics" });
    r.observe(vllmWriter.stats().buffered, { table: "vllm_metrics" });
    r.observe(stateWriter.stats().buffered, { table: "analysis_state" });
  });

  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  let closed = false;

  return {
    location,
    recordAnalysisMetrics: (row) => analysisWriter.add(keyAnalysisRow(row)),
    recordVllmMetrics: (row) => vllmWriter.add(stampVllmRow(row)),
    async flush() {
      await Promise.all([analysisWriter.flush(), vllmWriter.flush(), stateWriter.flush()]);
    },
    getAnalysisState: (restaurantId, analysisType, signal) =>
      abortable(() => selectAnalysisState(pool, restaurantId, analysisType), signal),
    listAnalysisStates: (analysisType, signal) => abortable(() => selectAnalysisStates(pool, analysisType), signal),
    async writeAnalysisState(write) {
      // Behind earlier deferred writes: queue too, so they land in order.
      if (stateWriter.stats().buffered > 0) {
        stateWriter.add(write);
        return "deferred";
      }
      try {
        return (await upsertAnalysisState(pool, write)) ? "written" : "stale";
      } catch (err) {
        logger.warn({ err: (err as Error).message, restaurantId: write.restaurantId }, "metrics store: state write deferred");
        stateWriter.add(write);
        return "deferred";
      }
    },
    async query<R extends object>(sql: string, params: unknown[] = [], signal?: AbortSignal) {
      return (await abortable(() => pool.query<R & pg.QueryResultRow>(sql, params), signal)).rows;
    },
    async ping(signal) {
      await abortable(() => pool.query("SELECT 1"), signal);
    },
    stats: () => ({
      analysisMetrics: analysisWriter.stats(),
      vllmMetrics: vllmWriter.stats(),
      analysisState: stateWriter.stats(),
    }),
    async close() {
      if (closed) return;
      closed = true;
      const lost = await Promise.all(
        [analysisWriter, vllmWriter, stateWriter].map((w) => w.close(closeTimeoutMs)),
      );
      const total = lost.reduce((n, l) => n + l.lost, 0);
      if (total > 0) logger.error({ lost: total }, "metrics store: database unreachable at shutdown, rows lost");
      await pool.end().catch(() => undefined);
      await embedded?.close();
    },
  };
}
