// Starts several replicas at once; if any fails, the ones that started are stopped (no orphans).
import type { ReplicaHandle } from "./replica-pool.js";

export async function launchAll<T extends ReplicaHandle>(count: number, launch: () => Promise<T>): Promise<T[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, launch));
  const started = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(started.map((h) => h.stop()));
    throw failed.reason;
  }
  return started;
}
