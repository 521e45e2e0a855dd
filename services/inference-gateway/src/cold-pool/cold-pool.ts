// The gateway's side of scale to zero: whether its backend pool is warm, waking or cold; requests
// for a pool that can be woken wait in the dispatcher's queue (in their usual order, up to the wake
// timeout) instead of failing; each wake is measured; on shutdown, held requests fail at once.
// The gateway never starts the pool itself: it exposes the wait (snapshot().queuedForWake), and an
// autoscaler or the watchdog wakes the pool, so any number of gateway replicas ask for one wake.
import type { Dispatch, Dispatcher, DispatchTicket } from "../dispatcher.js";
import { GatewayShuttingDown, NoHealthyBackend, PoolWakeTimedOut, PoolWakesAfterDeadline } from "../gateway-errors.js";
import type { ColdStartEstimate } from "./cold-start-estimate.js";
import { decideHold, expectedWakeAt, poolState, type PoolSituation, type PoolState, type RequestAtPool } from "./pool-state.js";

export type ColdPoolRefusal = "deadline-before-wake" | "wake-timeout" | "shutdown";

export interface ColdPoolEvents {
  refused(reason: ColdPoolRefusal): void;
  /** The pool turned healthy while requests waited: the wake's duration and each held request's wait. */
  woke(wakeMs: number, waitsMs: readonly number[]): void;
}

export interface ColdPoolOptions {
  /** Someone (KEDA, the watchdog) starts the pool when the gateway holds requests for it. */
  wakeable: boolean;
  coldStart: ColdStartEstimate;
  /** How long a request waits for the wake; undefined: twice the expected cold start. */
  wakeTimeoutMs?: number | undefined;
}

export interface ColdPoolDeps {
  healthyBackends(): number;
  events?: ColdPoolEvents | undefined;
  now?: () => number;
}

export interface ColdPoolSnapshot {
  state: PoolState;
  wakeable: boolean;
  /** Requests in the queue while no backend takes traffic: the wake signal. */
  queuedForWake: number;
  expectedColdStartMs: number;
  wakeTimeoutMs: number;
}

type Waiting = Pick<Dispatcher, "wait">;

interface PendingWait {
  /** Aborts its wait in the queue (wake timeout, shutdown); the backend request never sees it. */
  readonly release: AbortController;
  /** Since when it waits for a wake; undefined while the pool is warm. */
  heldSince?: number | undefined;
  timer?: NodeJS.Timeout | undefined;
}

export class ColdPool {
  private readonly pending = new Set<PendingWait>();
  private wakeAskedAt: number | undefined;
  private closing = false;
  private readonly now: () => number;

  constructor(
    private readonly options: ColdPoolOptions,
    private readonly deps: ColdPoolDeps,
  ) {
    this.now = deps.now ?? (() => performance.now());
  }

  get wakeable(): boolean {
    return this.options.wakeable;
  }

  get state(): PoolState {
    return poolState(this.deps.healthyBackends(), this.wakeAskedAt);
  }

  snapshot(): ColdPoolSnapshot {
    return {
      state: this.state,
      wakeable: this.options.wakeable,
      queuedForWake: this.deps.healthyBackends() > 0 ? 0 : this.pending.size,
      expectedColdStartMs: this.options.coldStart.expectedMs,
      wakeTimeoutMs: this.wakeTimeoutMs,
    };
  }

  /** Throws the refusal of a request the pool cannot take now; call before measuring and admitting it. */
  check(request: RequestAtPool): void {
    this.update();
    const now = this.now();
    const decision = decideHold(this.situation(), request, now);
    if (decision.kind !== "refuse") return;
    if (decision.reason === "not-wakeable") throw new NoHealthyBackend();
    this.deps.events?.refused("deadline-before-wake");
    throw new PoolWakesAfterDeadline(decision.expectedWakeAt - now, decision.deadlineAt - now);
  }

  /** The dispatcher's wait, holding a request while the pool is not warm. */
  holding(dispatcher: Waiting): Waiting {
    return { wait: (ticket, signal) => this.wait(dispatcher, ticket, signal) };
  }

  /** Call when a backend's health changed (and before each decision): starts or ends a wake. */
  update(): void {
    const now = this.now();
    if (this.deps.healthyBackends() > 0) {
      if (this.wakeAskedAt !== undefined) this.woke(now);
      return;
    }
    if (!this.options.wakeable) return;
    for (const entry of this.pending) {
      if (entry.heldSince !== undefined) continue;
      this.wakeAskedAt ??= now;
      this.hold(entry, now);
    }
  }

  /** Shutdown: requests held for a wake fail now with UNAVAILABLE (the wake may take minutes; a retry reaches another replica). */
  shutdown(): void {
    this.closing = true;
    for (const entry of this.pending) {
      if (entry.heldSince === undefined) continue;
      this.deps.events?.refused("shutdown");
      entry.release.abort(new GatewayShuttingDown());
    }
  }

  private get wakeTimeoutMs(): number {
    return this.options.wakeTimeoutMs ?? 2 * this.options.coldStart.expectedMs;
  }

  private situation(): PoolSituation {
    return {
      state: this.state,
      wakeable: this.options.wakeable,
      wakeAskedAt: this.wakeAskedAt,
      expectedColdStartMs: this.options.coldStart.expectedMs,
      wakeTimeoutMs: this.wakeTimeoutMs,
    };
  }

  private async wait(dispatcher: Waiting, ticket: DispatchTicket, signal: AbortSignal): Promise<Dispatch> {
    signal.throwIfAborted();
    const entry: PendingWait = { release: new AbortController() };
    this.pending.add(entry);
    try {
      this.update();
      if (this.closing && entry.heldSince !== undefined) throw new GatewayShuttingDown();
      return await dispatcher.wait(ticket, AbortSignal.any([signal, entry.release.signal]));
    } finally {
      clearTimeout(entry.timer);
      this.pending.delete(entry);
      // The last held request left without a wake (timed out, cancelled): nothing waits, the pool is cold.
      if (this.pending.size === 0 && this.deps.healthyBackends() === 0) this.wakeAskedAt = undefined;
    }
  }

  private hold(entry: PendingWait, now: number): void {
    entry.heldSince = now;
    const timeoutMs = this.wakeTimeoutMs;
    entry.timer = setTimeout(() => {
      const at = this.now();
      this.deps.events?.refused("wake-timeout");
      entry.release.abort(new PoolWakeTimedOut(at - now, expectedWakeAt(this.situation(), at) - at));
    }, timeoutMs);
    entry.timer.unref();
  }

  private woke(now: number): void {
    const wakeMs = now - this.wakeAskedAt!;
    this.wakeAskedAt = undefined;
    this.options.coldStart.observe(wakeMs);
    const waits: number[] = [];
    for (const entry of this.pending) {
      if (entry.heldSince === undefined) continue;
      waits.push(now - entry.heldSince);
      clearTimeout(entry.timer);
      entry.heldSince = undefined;
      entry.timer = undefined;
    }
    this.deps.events?.woke(wakeMs, waits);
  }
}
