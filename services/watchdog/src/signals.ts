// What one check reads: each signal is either a value or "unknown" with the reason it could not be read.

export type Reading<T> = { readonly known: true; readonly value: T } | { readonly known: false; readonly reason: string };

export const known = <T>(value: T): Reading<T> => ({ known: true, value });
export const unknown = <T = never>(reason: string): Reading<T> => ({ known: false, reason });

/** One GPU of the node, as nvidia-smi reports it (the optional parts when the query has them). */
export interface GpuSample {
  readonly utilizationPercent: number;
  readonly memoryUsedMiB: number;
  readonly memoryTotalMiB?: number;
  readonly name?: string;
  readonly uuid?: string;
  /** The compute processes on it (read from `nvidia-smi -q -x`). */
  readonly processes?: readonly GpuProcess[];
}

/** A process holding GPU memory. */
export interface GpuProcess {
  readonly pid: number;
  readonly processName: string;
  readonly usedMemoryMiB: number;
}

/**
 * A server's request load: requests being worked on and waiting now (gauges), and a counter of
 * requests since the server started. The gateway: in flight, queued, requests of every outcome;
 * a vLLM replica: running, waiting, finished requests.
 */
export interface RequestLoad {
  readonly inFlight: number;
  readonly queued: number;
  readonly requestsTotal: number;
  /** The gateway's wake signal: requests it holds while no backend of its pool is up (gateway_cold_pool_queued_requests). */
  readonly heldForWake?: number;
}

/** Each signal source behind the same small interface; a failed read resolves to unknown, never throws. */
export interface Signal<T> {
  /** A short name for logs, e.g. the URL it reads. */
  readonly source: string;
  read(signal: AbortSignal): Promise<Reading<T>>;
}

/** A signal that may stand for several replicas (a Service name resolving to each pod): one reading per replica. */
export interface ReplicaSignal<T> {
  readonly source: string;
  read(signal: AbortSignal): Promise<ReadonlyArray<{ readonly source: string; readonly reading: Reading<T> }>>;
}

/** Everything one check read. */
export interface CheckSignals {
  /** Absent when the GPU signal is switched off (WATCHDOG_GPU_SIGNAL=none). */
  readonly gpu?: Reading<readonly GpuSample[]>;
  /** Absent when no gateway is watched; every watched gateway replica summed (unknown when one is). */
  readonly gateway?: Reading<RequestLoad>;
  /** One entry per watched vLLM replica, keyed by its source. */
  readonly vllm: ReadonlyArray<{ readonly source: string; readonly reading: Reading<RequestLoad> }>;
}

type SourcedLoad = { readonly source: string; readonly reading: Reading<RequestLoad> };

/** Several gateway replicas as one: their sums, or unknown when any one cannot be read (never idle on a guess). */
export function sumLoads(loads: readonly SourcedLoad[]): Reading<RequestLoad> {
  const unknowns = loads.flatMap((l) => (l.reading.known ? [] : [`${l.source}: ${l.reading.reason}`]));
  if (unknowns.length > 0) return unknown(unknowns.join("; "));
  const sum = (f: (l: RequestLoad) => number) => loads.reduce((n, l) => n + (l.reading.known ? f(l.reading.value) : 0), 0);
  return known({ inFlight: sum((l) => l.inFlight), queued: sum((l) => l.queued), requestsTotal: sum((l) => l.requestsTotal), heldForWake: sum((l) => l.heldForWake ?? 0) });
}

/** Requests held for a wake by the replicas that could be read (a wake is never withheld because one replica is down); undefined when none could. */
export function heldForWake(loads: readonly SourcedLoad[]): number | undefined {
  const readable = loads.flatMap((l) => (l.reading.known ? [l.reading.value.heldForWake ?? 0] : []));
  return readable.length === 0 ? undefined : readable.reduce((a, b) => a + b, 0);
}
