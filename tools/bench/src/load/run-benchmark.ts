// Sends requests at their arrival times (scaled to wall time), under the concurrency limit, and
// collects every output in virtual seconds.
import { setMaxListeners } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { BenchTarget } from "../targets/bench-target.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import { toVirtualTime, type BenchRequest, type RequestOutput } from "./request-output.js";

export interface RunOptions {
  requests: readonly BenchRequest[];
  /** Seconds (virtual) to wait before each request. */
  interArrival: readonly number[];
  maxConcurrency?: number | undefined;
  /** Wall seconds per virtual second: the simulator's --time-scale. 1 for a real server. */
  timeScale: number;
  target: BenchTarget;
  onDone?: (output: RequestOutput, done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface RunResult {
  outputs: RequestOutput[];
  /** Virtual seconds from the first send to the last completion. */
  durationS: number;
}

export async function runBenchmark(options: RunOptions): Promise<RunResult> {
  const limit = options.maxConcurrency ? new ConcurrencyLimit(options.maxConcurrency) : undefined;
  const signal = options.signal ?? new AbortController().signal;
  // Every request in flight listens on the run's one signal.
  setMaxListeners(0, signal);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const outputs: RequestOutput[] = new Array<RequestOutput>(options.requests.length);
  const pending: Array<Promise<void>> = [];
  let done = 0;
  let due = 0;
  for (const [i, request] of options.requests.entries()) {
    // Sleep to the absolute due time so timer drift does not accumulate over a long run.
    due += (options.interArrival[i] ?? 0) * options.timeScale;
    const wait = due - elapsed();
    if (wait > 0) await sleep(wait * 1000, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
    const send = () => options.target.send(request, elapsed(), signal);
    pending.push(
      (limit ? limit.run(send) : send()).then((output) => {
        outputs[i] = toVirtualTime(output, options.timeScale);
        done += 1;
        options.onDone?.(outputs[i], done, options.requests.length);
      }),
    );
  }
  await Promise.all(pending);
  return { outputs: outputs.filter((o) => o !== undefined), durationS: elapsed() / options.timeScale };
}
