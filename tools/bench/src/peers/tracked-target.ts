// A target as a client with a timeout sees it: requests in flight are counted (for the timelines),
// and a request not finished within the timeout is abandoned (its output says "timed out").
import type { BenchRequest, RequestOutput } from "../load/request-output.js";
import type { BenchTarget } from "../targets/bench-target.js";

export const TIMED_OUT = "timed out by the client";

export interface TrackedTarget extends BenchTarget {
  inFlight(): number;
}

export function trackedTarget(target: BenchTarget, o: { timeoutS?: number } = {}): TrackedTarget {
  let inFlight = 0;
  return {
    backend: target.backend,
    inFlight: () => inFlight,
    async send(request: BenchRequest, startTime: number, signal: AbortSignal): Promise<RequestOutput> {
      inFlight += 1;
      const timeout = o.timeoutS === undefined ? undefined : AbortSignal.timeout(o.timeoutS * 1000);
      try {
        const output = await target.send(request, startTime, timeout ? AbortSignal.any([signal, timeout]) : signal);
        return timeout?.aborted && !output.success ? { ...output, error: TIMED_OUT } : output;
      } finally {
        inFlight -= 1;
      }
    },
    close: () => target.close(),
  };
}
