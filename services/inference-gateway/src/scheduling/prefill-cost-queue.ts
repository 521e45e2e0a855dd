// The prefill-cost priority queue: classes first; within a class, the tenant with the least weighted
// token service (virtual token counter) when fairness is on; within a tenant, shortest prefill first
// with a work-based ageing bound; across classes, a lower class's request that waited long enough
// goes ahead, and TTFT deadlines move a request ahead when its deadline nears.
import { Heap } from "heap-js";
import { PRIORITY_CLASSES, type PriorityClass } from "./priority-class.js";
import { VirtualTokenCounter } from "./virtual-token-counter.js";

export interface QueueOptions {
  /**
   * Ageing bound K >= 1. A request that arrives with W prefill tokens of its tenant and class queued
   * ahead of it (what FCFS within its tenant would make it wait for) is dispatched before more than
   * K x max(W, agingFloorTokens) tokens of its tenant's work in its class have been dispatched since
   * its arrival (without fairness, every caller is one tenant).
   */
  agingFactor: number;
  /** Work that may overtake a request that arrived to an empty queue before it falls due. */
  agingFloorTokens: number;
  /**
   * A request goes ahead of a higher class once K x this x max(W, floor) tokens of any work were
   * dispatched since it arrived, W being all prefill queued at its arrival: a burst of batch prompts
   * reordered by size among themselves does not push ahead of interactive requests, yet a lower
   * class still cannot starve.
   */
  crossClassFactor?: number;
  /** A request with a TTFT deadline falls due this long before the deadline minus its own prefill time. */
  deadlineSlackMs: number;
  /**
   * Costs are compared in whole units of this many tokens, first come first served within a unit
   * (default 1: exact). Estimated costs of similar prompts differ by their estimate's noise, and
   * reordering them by it only spreads their latencies: p99 up, mean unchanged.
   */
  costGranularityTokens?: number;
  /**
   * Fair queueing between tenants within each class by their weighted token service. Absent: every
   * request is one tenant's (the order before tenants existed).
   */
  fairness?: { readonly weightOf: (tenant: string) => number } | undefined;
}

export const DEFAULT_TENANT = "default";

export interface EnqueueInput<T> {
  priority: PriorityClass;
  /** Prefill cost in prompt tokens (exact or estimated). */
  cost: number;
  /** Absolute time (ms) the first token is needed by, if any. */
  deadlineAt?: number | undefined;
  /** Expected prefill duration of this request alone (ms), for deadline urgency. */
  prefillMs?: number;
  /** Whose request it is (default: DEFAULT_TENANT). */
  tenant?: string | undefined;
  /** Service charged to its tenant when dispatched: prefill plus expected output tokens (default: cost). */
  serviceTokens?: number | undefined;
  item: T;
}

export interface QueueEntry<T> {
  readonly seq: number;
  readonly priority: PriorityClass;
  readonly tenant: string;
  readonly cost: number;
  readonly serviceTokens: number;
  /** The cost in whole units of costGranularityTokens: what shortest-first compares. */
  readonly costUnits: number;
  readonly enqueuedAt: number;
  readonly deadlineAt: number | undefined;
  readonly item: T;
  /** Work of its tenant and class queued ahead of it at arrival (its FCFS wait within them, in tokens). */
  readonly workAhead: number;
  /** Its tenant's dispatched work in its class after which it is due (ageing). */
  readonly dueAtWork: number;
  /** All dispatched work after which it is due ahead of higher classes too. */
  readonly dueAtWorkAcrossClasses: number;
  /** Time after which it is due because of its TTFT deadline. */
  readonly dueAtTime: number;
  state: "queued" | "taken" | "removed";
}

export type DispatchReason = "order" | "aged" | "deadline";

export interface ClassSnapshot {
  priority: PriorityClass;
  depth: number;
  queuedTokens: number;
  oldestEnqueuedAt: number | undefined;
}

export interface TenantQueueSnapshot {
  tenant: string;
  priority: PriorityClass;
  depth: number;
  queuedTokens: number;
  /** Weighted token service in this class so far (virtual token counter; 0 without fairness). */
  counter: number;
}

const RANK: Record<PriorityClass, number> = { interactive: 0, standard: 1, batch: 2 };
/** Tenants whose counters are kept before idle ones at the active minimum are forgotten. */
const COUNTER_PRUNE_SIZE = 1_024;

const bySjf = <T>(a: QueueEntry<T>, b: QueueEntry<T>) => a.costUnits - b.costUnits || a.seq - b.seq;

/** One tenant's queued requests of one class (without fairness, everyone's). */
class TenantQueue<T> {
  readonly sjf = new Heap<QueueEntry<T>>(bySjf);
  readonly byAge = new Heap<QueueEntry<T>>((a, b) => a.dueAtWork - b.dueAtWork || a.seq - b.seq);
  readonly fifo = new Set<QueueEntry<T>>();
  tokens = 0;
  /** Work dispatched from it: the clock of its ageing bound. */
  dispatchedWork = 0;

  constructor(readonly tenant: string) {}
}

class ClassQueue<T> {
  readonly tenants = new Map<string, TenantQueue<T>>();
  readonly byAgeAcrossClasses = new Heap<QueueEntry<T>>((a, b) => a.dueAtWorkAcrossClasses - b.dueAtWorkAcrossClasses || a.seq - b.seq);
  readonly fifo = new Set<QueueEntry<T>>();
  depth = 0;
  tokens = 0;

  constructor(readonly vtc: VirtualTokenCounter | undefined) {}
}

export class PrefillCostQueue<T> {
  private seq = 0;
  private dispatchedWork = 0;
  private readonly classes = new Map<PriorityClass, ClassQueue<T>>();
  private readonly byDeadline = new Heap<QueueEntry<T>>((a, b) => a.dueAtTime - b.dueAtTime || a.seq - b.seq);
  private queuedTokens = 0;
  private size = 0;

  constructor(
    private readonly options: QueueOptions,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (options.agingFactor < 1) throw new RangeError("agingFactor must be at least 1");
    if ((options.costGranularityTokens ?? 1) < 1) throw new RangeError("costGranularityTokens must be at least 1");
    const weightOf = options.fairness?.weightOf;
    for (const priority of PRIORITY_CLASSES) this.classes.set(priority, new ClassQueue<T>(weightOf ? new VirtualTokenCounter(weightOf) : undefined));
  }

  get length(): number {
    return this.size;
  }

  get tokens(): number {
    return this.queuedTokens;
  }

  get fair(): boolean {
    return this.options.fairness !== undefined;
  }

  push(input: EnqueueInput<T>): QueueEntry<T> {
    const now = this.clock();
    const { agingFactor, agingFloorTokens, deadlineSlackMs } = this.options;
    const cls = this.cls(input.priority);
    const tenant = input.tenant ?? DEFAULT_TENANT;
    const key = this.fair ? tenant : DEFAULT_TENANT;
    let queue = cls.tenants.get(key);
    if (!queue) {
      queue = new TenantQueue<T>(key);
      cls.vtc?.activate(key, cls.tenants.keys());
      cls.tenants.set(key, queue);
      if (cls.vtc && cls.vtc.size > COUNTER_PRUNE_SIZE) cls.vtc.prune(this.leastCounter(cls), (t) => cls.tenants.has(t));
    }
    const entry: QueueEntry<T> = {
      seq: this.seq++,
      priority: input.priority,
      tenant,
      cost: input.cost,
      serviceTokens: input.serviceTokens ?? input.cost,
      costUnits: Math.floor(input.cost / (this.options.costGranularityTokens ?? 1)),
      enqueuedAt: now,
      deadlineAt: input.deadlineAt,
      item: input.item,
      workAhead: queue.tokens,
      dueAtWork: queue.dispatchedWork + agingFactor * Math.max(queue.tokens, agingFloorTokens),
      dueAtWorkAcrossClasses: this.dispatchedWork + agingFactor * (this.options.crossClassFactor ?? 1) * Math.max(this.queuedTokens, agingFloorTokens),
      dueAtTime: input.deadlineAt === undefined ? Infinity : input.deadlineAt - (input.prefillMs ?? 0) - deadlineSlackMs,
      state: "queued",
    };
    queue.sjf.push(entry);
    queue.byAge.push(entry);
    queue.fifo.add(entry);
    queue.tokens += entry.cost;
    cls.fifo.add(entry);
    cls.byAgeAcrossClasses.push(entry);
    cls.depth++;
    cls.tokens += entry.cost;
    if (entry.deadlineAt !== undefined) this.byDeadline.push(entry);
    this.queuedTokens += entry.cost;
    this.size++;
    return entry;
  }

  /**
   * The request that should go next, and why; undefined when the queue is empty (or holds only
   * `passOver`'s requests). `passOver`: tenants (with fairness) whose requests cannot go now, e.g.
   * over their share of sequence slots while the rest are kept for others (FairHeadroom): the best
   * request of the others, in the same order among them.
   */
  peek(passOver?: ReadonlySet<string>): { entry: QueueEntry<T>; reason: DispatchReason } | undefined {
    const eligible = (e: QueueEntry<T> | undefined) => e !== undefined && !(this.fair && passOver?.has(e.tenant));
    const deadline = this.top(this.byDeadline);
    if (eligible(deadline) && deadline!.dueAtTime <= this.clock() && this.withinFairShare(deadline!)) return { entry: deadline!, reason: "deadline" };
    const highest = PRIORITY_CLASSES.find((p) => this.nextTenant(this.cls(p), passOver) !== undefined);
    if (!highest) return undefined;
    const cls = this.cls(highest);
    const next = this.nextOfTenant(this.nextTenant(cls, passOver)!);
    // A lower class's request goes ahead once the work dispatched since it arrived passed its cross-class bound.
    const workAfter = this.dispatchedWork + next.entry.cost;
    let overdue: QueueEntry<T> | undefined;
    for (const p of PRIORITY_CLASSES) {
      if (RANK[p] <= RANK[highest]) continue;
      const oldest = this.top(this.cls(p).byAgeAcrossClasses);
      if (eligible(oldest) && workAfter > oldest!.dueAtWorkAcrossClasses && (!overdue || oldest!.dueAtWorkAcrossClasses < overdue.dueAtWorkAcrossClasses)) overdue = oldest;
    }
    return overdue ? { entry: overdue, reason: "aged" } : next;
  }

  /** Removes the entry because it is dispatched: its cost counts as work done, its service as its tenant's. */
  take(entry: QueueEntry<T>): void {
    const queue = this.tenantQueue(entry);
    if (!this.detach(entry, "taken")) return;
    this.dispatchedWork += entry.cost;
    if (queue) queue.dispatchedWork += entry.cost;
    this.cls(entry.priority).vtc?.charge(entry.tenant, entry.serviceTokens);
  }

  /**
   * A dispatched request ended: its tenant is counted what it was actually served (prefill plus
   * output tokens) instead of what was charged at dispatch (0: nothing, e.g. refused by the backend).
   */
  settle(entry: QueueEntry<T>, actualTokens: number): void {
    if (entry.state === "taken") this.cls(entry.priority).vtc?.settle(entry.tenant, entry.serviceTokens, actualTokens);
  }

  /** Removes the entry without dispatching it (cancelled, expired). */
  remove(entry: QueueEntry<T>): boolean {
    return this.detach(entry, "removed");
  }

  /**
   * Prefill tokens that would be served before a new request of this class, cost and tenant: every
   * queued request of a higher class, its tenant's ones of its class in no larger a cost unit, and with
   * fairness what the other tenants of its class are served meanwhile by their weights (at most what
   * they queue).
   */
  tokensAhead(priority: PriorityClass, cost: number, tenant = DEFAULT_TENANT): number {
    return this.ahead(priority, cost, tenant).tokens;
  }

  /** How many queued requests would be served before a new one of this class, cost and tenant. */
  countAhead(priority: PriorityClass, cost: number, tenant = DEFAULT_TENANT): number {
    return this.ahead(priority, cost, tenant).count;
  }

  // Within its class a request goes after every queued one of its tenant in a smaller or equal cost
  // unit (the queue's own order: shortest unit first, first come first served within a unit).
  private ahead(priority: PriorityClass, cost: number, tenant: string): { tokens: number; count: number } {
    const units = Math.floor(cost / (this.options.costGranularityTokens ?? 1));
    let tokens = 0;
    let count = 0;
    for (const p of PRIORITY_CLASSES) {
      const cls = this.cls(p);
      if (p !== priority) {
        tokens += cls.tokens;
        count += cls.depth;
        continue;
      }
      const own = cls.vtc ? cls.tenants.get(tenant) : cls.tenants.get(DEFAULT_TENANT);
      let ownAhead = 0;
      for (const e of own?.fifo ?? []) {
        if (e.costUnits > units) continue;
        ownAhead += e.cost;
        count++;
      }
      tokens += ownAhead;
      if (cls.vtc) {
        const rounds = (ownAhead + cost) / cls.vtc.weight(tenant);
        for (const [other, queue] of cls.tenants) {
          if (other === tenant) continue;
          const allowance = Math.min(queue.tokens, rounds * cls.vtc.weight(other));
          tokens += allowance;
          let served = 0;
          for (const e of queue.fifo) {
            if (served >= allowance) break;
            served += e.cost;
            count++;
          }
        }
      }
      break;
    }
    return { tokens, count };
  }

  snapshot(): ClassSnapshot[] {
    return PRIORITY_CLASSES.map((priority) => {
      const cls = this.cls(priority);
      const first = cls.fifo.values().next();
      return { priority, depth: cls.depth, queuedTokens: cls.tokens, oldestEnqueuedAt: first.done ? undefined : first.value.enqueuedAt };
    });
  }

  /** Per class, each tenant with queued requests (with fairness; without, everyone as one). */
  tenantSnapshot(): TenantQueueSnapshot[] {
    return PRIORITY_CLASSES.flatMap((priority) => {
      const cls = this.cls(priority);
      return [...cls.tenants.values()].map((q) => ({ tenant: q.tenant, priority, depth: q.fifo.size, queuedTokens: q.tokens, counter: cls.vtc?.counter(q.tenant) ?? 0 }));
    });
  }

  /** Requests of `tenant` queued now (all classes). */
  queuedOf(tenant: string): number {
    if (!this.fair) return 0;
    let n = 0;
    for (const p of PRIORITY_CLASSES) n += this.cls(p).tenants.get(tenant)?.fifo.size ?? 0;
    return n;
  }

  /**
   * With fairness: the tenant's queued requests and its share of `capacity` by weight among the
   * tenants with queued requests (itself included); undefined without fairness.
   */
  tenantQueueShare(tenant: string, capacity: number): { queued: number; share: number } | undefined {
    const weightOf = this.options.fairness?.weightOf;
    if (!weightOf) return undefined;
    const queuedTenants = new Set<string>([tenant]);
    for (const p of PRIORITY_CLASSES) for (const t of this.cls(p).tenants.keys()) queuedTenants.add(t);
    let total = 0;
    for (const t of queuedTenants) total += weightOf(t);
    return { queued: this.queuedOf(tenant), share: (capacity * weightOf(tenant)) / total };
  }

  /** Every queued entry (for shutdown). */
  entries(): QueueEntry<T>[] {
    return PRIORITY_CLASSES.flatMap((p) => [...this.cls(p).fifo]);
  }

  /** With fairness, the tenant of the least weighted service (not one passed over); ties: the smaller backlog, then the older head. */
  private nextTenant(cls: ClassQueue<T>, passOver?: ReadonlySet<string>): TenantQueue<T> | undefined {
    let best: TenantQueue<T> | undefined;
    let bestCounter = Infinity;
    for (const queue of cls.tenants.values()) {
      if (this.fair && passOver?.has(queue.tenant)) continue;
      const counter = cls.vtc?.counter(queue.tenant) ?? 0;
      if (!best || counter < bestCounter || (counter === bestCounter && (queue.tokens < best.tokens || (queue.tokens === best.tokens && this.headSeq(queue) < this.headSeq(best))))) {
        best = queue;
        bestCounter = counter;
      }
    }
    return best;
  }

  /** Shortest prefill first within the tenant, unless one of its requests is due by the ageing bound. */
  private nextOfTenant(queue: TenantQueue<T>): { entry: QueueEntry<T>; reason: DispatchReason } {
    const next = this.top(queue.sjf)!;
    const oldest = this.top(queue.byAge);
    if (oldest && oldest !== next && queue.dispatchedWork + next.cost > oldest.dueAtWork) return { entry: oldest, reason: "aged" };
    return { entry: next, reason: "order" };
  }

  /**
   * A deadline moves a request ahead of other tenants only while its tenant is within its fair share
   * (its counter at most this request's service above the least of its class), so urgency is no way
   * around fairness; otherwise it waits for its tenant's turn.
   */
  private withinFairShare(entry: QueueEntry<T>): boolean {
    const cls = this.cls(entry.priority);
    if (!cls.vtc) return true;
    return cls.vtc.counter(entry.tenant) <= this.leastCounter(cls) + entry.serviceTokens / cls.vtc.weight(entry.tenant);
  }

  private leastCounter(cls: ClassQueue<T>): number {
    let least = Infinity;
    for (const tenant of cls.tenants.keys()) least = Math.min(least, cls.vtc?.counter(tenant) ?? 0);
    return least === Infinity ? 0 : least;
  }

  private headSeq(queue: TenantQueue<T>): number {
    return queue.fifo.values().next().value?.seq ?? Infinity;
  }

  private tenantQueue(entry: QueueEntry<T>): TenantQueue<T> | undefined {
    return this.cls(entry.priority).tenants.get(this.fair ? entry.tenant : DEFAULT_TENANT);
  }

  private detach(entry: QueueEntry<T>, state: "taken" | "removed"): boolean {
    if (entry.state !== "queued") return false;
    const queue = this.tenantQueue(entry)!;
    entry.state = state;
    const cls = this.cls(entry.priority);
    queue.fifo.delete(entry);
    queue.tokens -= entry.cost;
    // An emptied tenant queue goes: its heaps hold only entries that left, and its return lifts its counter.
    if (queue.fifo.size === 0) cls.tenants.delete(queue.tenant);
    cls.fifo.delete(entry);
    cls.depth--;
    cls.tokens -= entry.cost;
    this.queuedTokens -= entry.cost;
    this.size--;
    return true;
  }

  // Heaps delete lazily: entries that left the queue are dropped when they reach the top.
  private top(heap: Heap<QueueEntry<T>>): QueueEntry<T> | undefined {
    let top = heap.peek();
    while (top && top.state !== "queued") {
      heap.pop();
      top = heap.peek();
    }
    return top;
  }

  private cls(priority: PriorityClass) {
    return this.classes.get(priority)!;
  }
}
