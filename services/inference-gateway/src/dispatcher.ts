// Continuous-batching dispatch: the best queued request goes to a backend the moment one has room
// (a slot or prefill budget freed), and requests arriving within the batch window are ordered and
// dispatched together, so they join the backend's running batch in the gateway's order.
import type { BackendPool, PooledBackend } from "./backend-pool.js";
import type { BackendRouter } from "./routing/backend-router.js";
import type { FairHeadroom } from "./scheduling/fair-headroom.js";
import { DEFAULT_TENANT, type DispatchReason, type PrefillCostQueue, type QueueEntry } from "./scheduling/prefill-cost-queue.js";
import type { LatencySensitiveArrivals } from "./scheduling/latency-sensitive-arrivals.js";
import type { PriorityClass } from "./scheduling/priority-class.js";
import type { DispatchedRequest } from "./scheduling/queue-wait-model.js";

export interface DispatchTicket {
  priority: PriorityClass;
  /** Prefill tokens of the whole prompt. */
  cost: number;
  /** Prompt tokens one prefix block stands for (its share of `cost`). */
  prefixBlockTokens: number;
  deadlineAt?: number | undefined;
  prefillMs: number;
  prefixKeys: readonly string[];
  /** Whose request it is (fair queueing between tenants). */
  tenant?: string | undefined;
  /** Service its tenant is charged at dispatch: prefill plus expected output tokens. */
  serviceTokens?: number | undefined;
}

export interface Dispatch {
  backend: PooledBackend;
  reason: DispatchReason;
  /** Leading prompt blocks the backend served before (prefix affinity). */
  matchedBlocks: number;
  /** The prefill it was charged on that backend: the prompt less the blocks it served before. */
  cost: number;
  /** The attempt ended: its tenant is counted the tokens actually served (0 when none were). */
  settle(actualTokens: number): void;
}

/**
 * What a prompt costs the replica that served its leading blocks just before: vLLM's prefix cache
 * serves them (prompts sent together over one prefix: the first computes it), so only the rest is
 * prefill. At least one token: the last is always computed.
 */
export function costOnAffineBackend(ticket: Pick<DispatchTicket, "cost" | "prefixBlockTokens">, matchedBlocks: number): number {
  return Math.max(1, Math.round(ticket.cost - matchedBlocks * ticket.prefixBlockTokens));
}

export interface Waiter {
  ticket: DispatchTicket;
  /** Requests queued ahead of it when it arrived. */
  aheadAtArrival: number;
  resolve(dispatch: Dispatch): void;
  reject(error: unknown): void;
}

export interface DispatcherOptions {
  /** Arrivals within this window are ordered and dispatched together. */
  batchWindowMs: number;
  /** Decides which classes keep to the smaller prefill budget. */
  latencySensitive: LatencySensitiveArrivals;
  /** Sequence slots kept for tenants within their share while a tenant over it floods. */
  headroom?: FairHeadroom | undefined;
}

export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(
    readonly queue: PrefillCostQueue<Waiter>,
    private readonly pool: BackendPool,
    private readonly router: BackendRouter,
    private readonly options: DispatcherOptions,
    /** Told why each request went (order, ageing bound or deadline), how long it waited and how many still wait. */
    private readonly onDispatch: (reason: DispatchReason, priority: PriorityClass, dispatched: DispatchedRequest) => void = () => {},
  ) {
    pool.onRoomFreed(() => this.schedule(0));
  }

  /** Queues the request and resolves when it is dispatched; aborting removes it from the queue. */
  wait(ticket: DispatchTicket, signal: AbortSignal): Promise<Dispatch> {
    signal.throwIfAborted();
    this.options.latencySensitive.arrived(ticket.priority, ticket.cost);
    this.options.headroom?.arrived(ticket.tenant ?? DEFAULT_TENANT);
    return new Promise<Dispatch>((resolve, reject) => {
      let entry: QueueEntry<Waiter> | undefined = undefined;
      const onAbort = () => {
        if (entry && this.queue.remove(entry)) reject(signal.reason);
      };
      const waiter: Waiter = {
        ticket,
        aheadAtArrival: this.queue.countAhead(ticket.priority, ticket.cost),
        resolve: (d) => {
          signal.removeEventListener("abort", onAbort);
          resolve(d);
        },
        reject: (e) => {
          signal.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
      entry = this.queue.push({
        priority: ticket.priority,
        cost: ticket.cost,
        deadlineAt: ticket.deadlineAt,
        prefillMs: ticket.prefillMs,
        tenant: ticket.tenant,
        serviceTokens: ticket.serviceTokens,
        item: waiter,
      });
      signal.addEventListener("abort", onAbort, { once: true });
      this.schedule(this.options.batchWindowMs);
    });
  }

  /** Runs the dispatch loop after `delayMs` (0: as soon as the current event is handled). */
  schedule(delayMs = 0) {
    if (delayMs <= 0) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      this.immediate ??= setImmediate(() => this.run());
    } else if (!this.timer && !this.immediate) {
      this.timer = setTimeout(() => this.run(), delayMs);
    }
  }

  /** Refuses everything still queued with `error` (shutdown). */
  rejectAll(error: Error) {
    for (const entry of this.queue.entries()) {
      this.queue.remove(entry);
      entry.item.reject(error);
    }
  }

  /** Sequence slots of the backends that take requests (the whole the tenants share), and how many backends. */
  private sequenceCapacity(): { slots: number; backends: number } {
    const open = this.pool.list().filter((b) => b.healthy && !b.draining);
    return { slots: open.reduce((n, b) => n + b.admission.sequenceLimit, 0), backends: open.length };
  }

  private run() {
    this.timer = undefined;
    this.immediate = undefined;
    // Tenants over their share whose best request found no room outside the slots kept for others.
    const passedOver = new Set<string>();
    const { headroom, latencySensitive } = this.options;
    // Which backends take requests does not change within one pass; only their in-flight counts do.
    const capacity = headroom?.enabled ? this.sequenceCapacity() : undefined;
    for (let next = this.queue.peek(); next; next = this.queue.peek(passedOver)) {
      const { entry, reason } = next;
      const reserved = capacity ? headroom!.reservedFor(entry.tenant, capacity.slots, capacity.backends) : 0;
      const { ticket } = entry.item;
      const affinity = this.router.affinity(ticket.prefixKeys);
      const costOn = (b: PooledBackend) => (affinity && b.id === affinity.backendId ? costOnAffineBackend(ticket, affinity.matchedBlocks) : entry.cost);
      const choice = this.router.choose(this.pool.withRoomFor(costOn, entry.priority, latencySensitive.constrains(entry.priority), reserved), ticket.prefixKeys);
      if (!choice) {
        // The kept slots are for the others: their requests behind this one may take them now (else
        // the headroom would wait behind the very tenant it is kept from).
        if (reserved > 0) {
          passedOver.add(entry.tenant);
          continue;
        }
        // The best request waits for room rather than letting lesser ones pass it.
        break;
      }
      const cost = costOn(choice.backend);
      this.queue.take(entry);
      this.pool.dispatched(choice.backend, cost);
      this.router.record(ticket.prefixKeys, choice.backend.id);
      this.onDispatch(reason, entry.priority, { waitedMs: performance.now() - entry.enqueuedAt, aheadAtArrival: entry.item.aheadAtArrival, stillQueued: this.queue.length });
      headroom?.dispatched(entry.tenant);
      let ended = false;
      const settle = (actual: number) => {
        if (ended) return;
        ended = true;
        this.queue.settle(entry, actual);
        headroom?.ended(entry.tenant);
      };
      entry.item.resolve({ backend: choice.backend, reason, matchedBlocks: choice.matchedBlocks, cost, settle });
    }
  }
}
