// A process that takes the analysis lock through the guard and runs an analysis that never ends,
// extending its lock, until it is killed. Prints {"holding": fencing} once it holds the lock.
import { createLogger } from "@reviewlens/runtime";
import { createAnalysisGuard, createRedisLock } from "../src/index.js";
import { MemoryStateStore } from "./memory-state-store.js";

const [url, prefix, restaurantId, ttl] = process.argv.slice(2);
const logger = createLogger("lock-holder", "silent");
const guard = createAnalysisGuard({
  lock: createRedisLock({ url: url!, logger }),
  store: new MemoryStateStore(),
  logger,
  keyPrefix: prefix!,
  lockTtlMs: Number(ttl),
});
await guard.run({ restaurantId: restaurantId!, analysisType: "sentiment", version: { reviewCount: 1, vectorVersion: 1 } }, ({ fencing }) => {
  console.log(JSON.stringify({ holding: fencing }));
  return new Promise<never>(() => undefined);
});
