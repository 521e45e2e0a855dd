// @reviewlens/analysis-guard: the one place that does
//   take lock -> SKIP check -> run -> record metrics and state -> release
// for every analysis RPC (sentiment, summary, strengths). SPEC section 3, issue 9.
//
// Composition (main.ts):
//   const store = await openMetricsStore(metricsStoreOptions(config, logger, meter));
//   const guard = createAnalysisGuardFromConfig(config, { store, logger, meter });   // schema: analysisGuardSchema
//
// In a handler:
//   const stats = await vectorSearch.getRestaurantStats({ restaurantIds: [id] }, { signal });
//   const outcome = await guard.run(
//     { restaurantId: id, analysisType: "sentiment", force: options.force,
//       version: { reviewCount: s.reviewCount, vectorVersion: s.vectorVersion }, signal },
//     async ({ signal, fencing }) => ({ result, tokensUsed, reviewsConsidered, batchSize, warningCount }),
//     codec,  // optional: how the result is stored as JSON in analysis_state.last_result
//   );
//   outcome.status === "COMPLETED": outcome.result, outcome.run (what execute returned)
//   outcome.status === "SKIPPED":   outcome.result (the stored one), outcome.analyzedAt, outcome.ageSeconds
//   outcome.status === "FAILED":    outcome.error (what execute threw; map it to the report or rethrow)
// Thrown, not returned:
//   AlreadyRunningError("sentiment analysis of restaurant r1 is already running (held for 3.2 s)...")
//     for a concurrent duplicate (ALREADY_EXISTS at the gRPC edge);
//   UnavailableError("lock store Redis at ... is unreachable ...") when Redis is down and
//     LOCK_UNAVAILABLE=fail (with "proceed" the analysis runs unlocked, fenced by the clock);
//   InvalidArgumentError for an empty restaurant_id / analysis_type.
// A lock lost while running aborts the analysis with an InterruptedError (ABORTED).
// The execute callback gets a signal that aborts when the caller cancels or the lock is lost, and the
// fencing number its result will be stored under; a result whose fencing number is lower than the
// stored one is refused (outcome.stateWrite === "stale"), so a stale holder never overwrites a newer
// result.
export * from "./analysis-guard.js";
export * from "./config.js";
export * from "./lock-backend.js";
export * from "./skip-policy.js";
export { createMemoryLock } from "./memory-lock.js";
export { createRedisLock, type RedisLockOptions } from "./redis-lock.js";
export { nextFencing } from "./fencing-floor.js";
