// @reviewlens/metrics-store: analysis_metrics, vllm_metrics and analysis_state in PostgreSQL
// (DATABASE_URL) or embedded PGlite served over the wire protocol (DATA_DIR), one `pg` code path.
//
//   const store = await openMetricsStore(metricsStoreOptions(config, logger, meter));
//   store.recordVllmMetrics(row);      // buffered, batched, retried through outages
//   store.recordAnalysisMetrics(row);
//   await store.getAnalysisState(restaurantId, "sentiment");   // O(1) SKIP lookup
//   await store.close();               // flushes first (bounded by METRICS_CLOSE_TIMEOUT_MS)
export * from "./rows.js";
export * from "./metrics-store.js";
export * from "./config.js";
export { migrate, migrations, type Migration } from "./migrations.js";
export { BatchedWriter, type BatchSink, type BatchedWriterOptions, type BatchedWriterStats } from "./batched-writer.js";
