// The store's environment settings, for services to merge into their config schema.
import { dataDirField, env, type ConfigOf, type Logger } from "@reviewlens/runtime";
import type { Meter } from "@opentelemetry/api";
import type { MetricsStoreOptions } from "./metrics-store.js";

export const metricsStoreSchema = {
  DATABASE_URL: env
    .optional(env.url())
    .describe("PostgreSQL URL (`postgres://user:pass@host:5432/db`) of `analysis_metrics`, `vllm_metrics` and `analysis_state`; unset: an embedded PGlite under `DATA_DIR/metrics/<service>` (one process only)"),
  DATA_DIR: dataDirField,
  METRICS_BATCH_SIZE: env.integer(1, 10_000, 200).describe("metrics-store rows per insert"),
  METRICS_BUFFER_MAX_ROWS: env.integer(1, 10_000_000, 100_000).describe("rows held per table while the database is down before the oldest are dropped (counted and logged)"),
  METRICS_FLUSH_INTERVAL_MS: env.integer(1, 600_000, 1_000).describe("how long a partial batch of metrics rows waits"),
  METRICS_RETRY_MAX_MS: env.integer(10, 600_000, 10_000).describe("longest wait between retries of a failed metrics write (doubling up to it)"),
  METRICS_CLOSE_TIMEOUT_MS: env.integer(0, 600_000, 10_000).describe("how long shutdown tries to write the buffered metrics rows"),
};

export type MetricsStoreConfig = ConfigOf<typeof metricsStoreSchema>;

export function metricsStoreOptions(config: MetricsStoreConfig, logger: Logger, meter?: Meter): MetricsStoreOptions {
  return {
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    logger,
    meter,
    batchSize: config.METRICS_BATCH_SIZE,
    maxBufferedRows: config.METRICS_BUFFER_MAX_ROWS,
    flushIntervalMs: config.METRICS_FLUSH_INTERVAL_MS,
    retryMaxMs: config.METRICS_RETRY_MAX_MS,
    closeTimeoutMs: config.METRICS_CLOSE_TIMEOUT_MS,
  };
}
