// CPU time and resident memory of one gateway process (ours or Portkey) over an arm, by pidusage
// (/proc on Linux): the relay's cost, apart from the simulators and the load generator.
import pidusage from "pidusage";

export interface ProcessUsage {
  /** CPU milliseconds (user + system) the process used during the window. */
  cpuMs: number;
  peakRssMb: number;
  endRssMb: number;
  /** [seconds since start, RSS MB]. */
  rss: Array<[number, number]>;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Starts sampling `pid` now; `stop()` returns what it used since. */
export async function watchProcess(pid: number, intervalMs = 1_000): Promise<{ stop(): Promise<ProcessUsage> }> {
  const t0 = performance.now();
  const first = await pidusage(pid);
  const rss: Array<[number, number]> = [[0, mb(first.memory)]];
  let sampling: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    sampling = pidusage(pid)
      .then((s) => void rss.push([Math.round((performance.now() - t0) / 100) / 10, mb(s.memory)]))
      .catch(() => undefined);
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      const last = await pidusage(pid);
      rss.push([Math.round((performance.now() - t0) / 100) / 10, mb(last.memory)]);
      pidusage.clear();
      return { cpuMs: last.ctime - first.ctime, peakRssMb: Math.max(...rss.map(([, v]) => v)), endRssMb: mb(last.memory), rss };
    },
  };
}
