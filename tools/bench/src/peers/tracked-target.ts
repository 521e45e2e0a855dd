// A target as a client with a timeout sees it: requests in flight are counted (for the timelines),
// and a request not finished within the timeout is abandoned (its output says "timed out").
import type { BenchRequest, RequestOutput } from "../load/request-output.js";
import type { BenchTarget } from "../targets/bench-target.js";

export const TIMED_OUT = "timed out by the client";

export interface TrackedTarget extends BenchTarget {
  inFlight: () => number;
}

export function trackedTarget(target: BenchTarget, o: { timeoutS?: number } = {}): TrackedTarget {
  let inFlight = 0;
  return {
    backend: target.backend,
    inFlight: () => inFlight,
    async send(request: BenchRequest, startTime: number, signal: AbortSignal): Promise<RequestOutput> {
      inFlight += 1;
      const timeout = new AbortController();
      const timer = o.timeoutS === undefined ? undefined : setTimeout(() => timeout.abort(), o.timeoutS * 1000);
      try {
        const output = await target.send(request, startTime, timer ? AbortSignal.any([signal, timeout.signal]) : signal);
        return timeout.signal.aborted && !output.success ? { ...output, error: TIMED_OUT } : output;
      } finally {
        clearTimeout(timer);
        inFlight -= 1;
      }
    },
    close: () => target.close(),
  };
}
