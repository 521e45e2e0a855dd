import type { EngineRequest } from "./engine-request.js";

export type SchedulingPolicy = "fcfs" | "priority";

/**
 * The waiting queue as a binary heap: FCFS orders by admission sequence (a preempted request keeps
 * its early sequence, so it goes back to the front as in vLLM), the priority policy by
 * (priority, arrival) with lower values first, as vLLM's.
 */
export class RequestQueue {
  private readonly heap: EngineRequest[] = [];
  constructor(private readonly policy: SchedulingPolicy) {}

  get length(): number {
    return this.heap.length;
  }

  peek(): EngineRequest | undefined {
    return this.heap[0];
  }

  push(request: EngineRequest): void {
    const h = this.heap;
    h.push(request);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  pop(): EngineRequest | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }

  /** Removes one request (an abort); O(n), aborts of waiting requests are rare. */
  remove(request: EngineRequest): boolean {
    const index = this.heap.indexOf(request);
    if (index < 0) return false;
    const rest = this.heap.filter((r) => r !== request);
    this.heap.length = 0;
    for (const r of rest) this.push(r);
    return true;
  }

  private before(a: EngineRequest, b: EngineRequest): boolean {
    if (this.policy === "priority" && a.priority !== b.priority) return a.priority < b.priority;
    if (this.policy === "priority" && a.arrivalMs !== b.arrivalMs) return a.arrivalMs < b.arrivalMs;
    return a.seq < b.seq;
  }
}
