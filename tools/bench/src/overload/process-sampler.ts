// Samples a process's resident memory (pidusage) and, when the path can tell, what it holds queued
// and in flight, at a fixed interval until stopped: the overload arm's timeline.
import pidusage from "pidusage";
import type { PathLoad } from "./overload-paths.js";

export interface ProcessSample {
  /** Seconds since sampling started (wall time). */
  t: number;
  rssBytes: number;
  /** Percent of one core since the previous sample. */
  cpu: number;
  queued?: number;
  inFlight?: number;
}

export interface ProcessSampler {
  readonly samples: ProcessSample[];
  stop(): Promise<ProcessSample[]>;
}

export function sampleProcess(pid: number, load: (() => Promise<PathLoad>) | undefined, intervalMs = 1_000): ProcessSampler {
  const samples: ProcessSample[] = [];
  const started = performance.now();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t = (performance.now() - started) / 1000;
      const [usage, held] = await Promise.all([pidusage(pid).catch(() => undefined), load?.().catch(() => undefined)]);
      if (usage) samples.push({ t, rssBytes: usage.memory, cpu: usage.cpu, ...(held ? { queued: held.queued, inFlight: held.inFlight } : {}) });
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (performance.now() - started - t * 1000))));
    }
  })();
  return {
    samples,
    async stop() {
      stopped = true;
      await loop;
      pidusage.clear();
      return samples;
    },
  };
}
