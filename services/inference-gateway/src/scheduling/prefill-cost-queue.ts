// The prefill-cost priority queue: classes first, shortest prefill first within a class, with a
// work-based ageing bound and TTFT deadlines that move a request ahead when its deadline nears.
import { Heap } from "heap-js";
import { PRIORITY_CLASSES, type PriorityClass } from "./priority-class.js";

export interface QueueOptions {
  /**
   * Ageing bound K >= 1. A request that arrives with W prefill tokens queued ahead of it (what FCFS
   * would make it wait for) is dispatched before more than K x max(W, agingFloorTokens) tokens of
   * work have been dispatched since its arrival: it never waits more than K times its FCFS wait
   * (in work; at a steady service rate, in time), plus the cost of requests that fell due together.
   */
  agingFactor: number;
  /** Work that may overtake a request that arrived to an empty queue before it falls due. */
  agingFloorTokens: number;
  /**
   * A request that fell due goes ahead of its own and lower classes at once, but ahead of a higher
   * class only once overdue by this factor too (K x this x max(W, floor)): a burst of batch prompts
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
}

export interface EnqueueInput<T> {
  priority: PriorityClass;
  /** Prefill cost in prompt tokens (exact or estimated). */
  cost: number;
  /** Absolute time (ms) the first token is needed by, if any. */
  deadlineAt?: number | undefined;
  /** Expected prefill duration of this request alone (ms), for deadline urgency. */
  prefillMs?: number;
  item: T;
}

export interface QueueEntry<T> {
  readonly seq: number;
  readonly priority: PriorityClass;
  readonly cost: number;
  /** The cost in whole units of costGranularityTokens: what shortest-first compares. */
  readonly costUnits: number;
  readonly enqueuedAt: number;
  readonly deadlineAt: number | undefined;
  readonly item: T;
  /** Work queued ahead of it at arrival (its FCFS wait, in tokens). */
  readonly workAhead: number;
  /** Cumulative dispatched work after which it is due (ageing). */
  readonly dueAtWork: number;
  /** ... and after which it is due ahead of higher classes too. */
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

const RANK: Record<PriorityClass, number> = { interactive: 0, standard: 1, batch: 2 };

const bySjf = <T>(a: QueueEntry<T>, b: QueueEntry<T>) => a.costUnits - b.costUnits || a.seq - b.seq;

export class PrefillCostQueue<T> {
  private seq = 0;
  private dispatchedWork = 0;
  private readonly classes = new Map<PriorityClass, { heap: Heap<QueueEntry<T>>; depth: number; tokens: number; fifo: Set<QueueEntry<T>> }>();
  private readonly byAge = new Heap<QueueEntry<T>>((a, b) => a.dueAtWork - b.dueAtWork || a.seq - b.seq);
  private readonly byDeadline = new Heap<QueueEntry<T>>((a, b) => a.dueAtTime - b.dueAtTime || a.seq - b.seq);
  private queuedTokens = 0;
  private size = 0;

  constructor(
    private readonly options: QueueOptions,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (options.agingFactor < 1) throw new RangeError("agingFactor must be at least 1");
    if ((options.costGranularityTokens ?? 1) < 1) throw new RangeError("costGranularityTokens must be at least 1");
    for (const priority of PRIORITY_CLASSES) {
      this.classes.set(priority, { heap: new Heap<QueueEntry<T>>(bySjf), depth: 0, tokens: 0, fifo: new Set() });
    }
  }

  get length(): number {
    return this.size;
  }

  get tokens(): number {
    return this.queuedTokens;
  }

  push(input: EnqueueInput<T>): QueueEntry<T> {
    const now = this.clock();
    const { agingFactor, agingFloorTokens, deadlineSlackMs } = this.options;
    const entry: QueueEntry<T> = {
      seq: this.seq++,
      priority: input.priority,
      cost: input.cost,
      costUnits: Math.floor(input.cost / (this.options.costGranularityTokens ?? 1)),
      enqueuedAt: now,
      deadlineAt: input.deadlineAt,
      item: input.item,
      workAhead: this.queuedTokens,
      dueAtWork: this.dispatchedWork + agingFactor * Math.max(this.queuedTokens, agingFloorTokens),
      dueAtWorkAcrossClasses: this.dispatchedWork + agingFactor * (this.options.crossClassFactor ?? 1) * Math.max(this.queuedTokens, agingFloorTokens),
      dueAtTime: input.deadlineAt === undefined ? Infinity : input.deadlineAt - (input.prefillMs ?? 0) - deadlineSlackMs,
      state: "queued",
    };
    const cls = this.cls(entry.priority);
    cls.heap.push(entry);
    cls.fifo.add(entry);
    cls.depth++;
    cls.tokens += entry.cost;
    this.byAge.push(entry);
    if (entry.deadlineAt !== undefined) this.byDeadline.push(entry);
    this.queuedTokens += entry.cost;
    this.size++;
    return entry;
  }

  /** The request that should go next, and why; undefined when the queue is empty. */
  peek(): { entry: QueueEntry<T>; reason: DispatchReason } | undefined {
    const deadline = this.top(this.byDeadline);
    if (deadline && deadline.dueAtTime <= this.clock()) return { entry: deadline, reason: "deadline" };
    let next: QueueEntry<T> | undefined;
    for (const priority of PRIORITY_CLASSES) {
      next = this.top(this.cls(priority).heap);
      if (next) break;
    }
    if (!next) return undefined;
    const oldest = this.top(this.byAge);
    const workAfter = this.dispatchedWork + next.cost;
    if (oldest && oldest !== next && workAfter > oldest.dueAtWork) {
      const higherClassWaits = RANK[oldest.priority] > RANK[next.priority];
      if (!higherClassWaits || workAfter > oldest.dueAtWorkAcrossClasses) return { entry: oldest, reason: "aged" };
    }
    return { entry: next, reason: "order" };
  }

  /** Removes the entry because it is dispatched: its cost counts as work done for the ageing bound. */
  take(entry: QueueEntry<T>): void {
    if (this.detach(entry, "taken")) this.dispatchedWork += entry.cost;
  }

  /** Removes the entry without dispatching it (cancelled, expired). */
  remove(entry: QueueEntry<T>): boolean {
    return this.detach(entry, "removed");
  }

  /**
   * Prefill tokens that would be served before a new request of this class and cost: every queued
   * request of a higher class and those of its class in no larger a cost unit.
   */
  tokensAhead(priority: PriorityClass, cost: number): number {
    return this.ahead(priority, cost).tokens;
  }

  /** How many queued requests would be served before a new one of this class and cost. */
  countAhead(priority: PriorityClass, cost: number): number {
    return this.ahead(priority, cost).count;
  }

  // Within its class a request goes after every queued one of a smaller or equal cost unit (the
  // queue's own order: shortest unit first, first come first served within a unit).
  private ahead(priority: PriorityClass, cost: number): { tokens: number; count: number } {
    const units = Math.floor(cost / (this.options.costGranularityTokens ?? 1));
    let tokens = 0;
    let count = 0;
    for (const p of PRIORITY_CLASSES) {
      const cls = this.cls(p);
      if (p === priority) {
        for (const e of cls.fifo) {
          if (e.costUnits > units) continue;
          tokens += e.cost;
          count++;
        }
        break;
      }
      tokens += cls.tokens;
      count += cls.depth;
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

  /** Every queued entry (for shutdown). */
  entries(): QueueEntry<T>[] {
    return PRIORITY_CLASSES.flatMap((p) => [...this.cls(p).fifo]);
  }

  private detach(entry: QueueEntry<T>, state: "taken" | "removed"): boolean {
    if (entry.state !== "queued") return false;
    entry.state = state;
    const cls = this.cls(entry.priority);
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
