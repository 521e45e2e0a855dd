// A discrete-event model of admission policies, in virtual time: the simulator's own EngineCore
// behind the gateway's own AdmissionController, PrefillCostQueue and LatencySensitiveArrivals, for
// one backend. A policy's TTFT percentiles over a dozen workloads take seconds instead of the
// minutes a wall-clock run needs, so policies can be compared before the real benchmark measures
// the chosen one. Not modelled: the gateway's CPU (relaying tokens), HTTP, the estimator's error.
import { Heap } from "heap-js";
import { AdmissionController, LatencySensitiveArrivals, PrefillCostQueue, vllmPriority, type PriorityClass } from "@reviewlens/inference-gateway";
import { EngineCore, EngineRequest, qwen25_7b_h100 } from "@reviewlens/vllm-sim";

export interface ModelRequest {
  arrivalMs: number;
  promptTokens: number;
  outputTokens: number;
  priority: PriorityClass;
}

export interface ModelResult {
  ttftMs: number;
  finishedMs: number;
}

/** Straight to vLLM (FCFS), or through the gateway with these settings (the GATEWAY_* variables). */
export type ModelPolicy =
  | { kind: "fcfs" }
  | {
      kind: "gateway";
      prefillBudgetSteps: number;
      latencyBudgetSteps: number;
      shortPromptTokens: number;
      sjfGranularityTokens: number;
      backendPriority: boolean;
    };

export interface ModelBackend {
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
  /** One way, gateway to backend or back (ms). */
  hopMs: number;
  /** The gateway's GATEWAY_BATCH_WINDOW_MS. */
  batchWindowMs: number;
}

export const H100_BACKEND: ModelBackend = { maxNumBatchedTokens: 8_192, maxNumSeqs: 256, hopMs: 0.75, batchWindowMs: 2 };

interface ModelEvent {
  at: number;
  seq: number;
  run: () => void;
}

/** Events in virtual time, earliest first, ties in the order they were scheduled. */
class EventQueue {
  private readonly events = new Heap<ModelEvent>((a, b) => a.at - b.at || a.seq - b.seq);
  private seq = 0;
  now = 0;

  at(at: number, run: () => void): void {
    this.events.push({ at, seq: this.seq++, run });
  }

  drain(): void {
    for (let event = this.events.pop(); event; event = this.events.pop()) {
      this.now = event.at;
      event.run();
    }
  }
}

/** Runs the requests to completion under the policy; results in the requests' order. */
export function simulatePolicy(requests: readonly ModelRequest[], policy: ModelPolicy, backend: ModelBackend = H100_BACKEND): ModelResult[] {
  const events = new EventQueue();
  const results = requests.map(() => ({ ttftMs: Number.NaN, finishedMs: Number.NaN }));
  const viaGateway = policy.kind === "gateway";
  const admission = viaGateway
    ? new AdmissionController(
        { maxNumSeqs: backend.maxNumSeqs, maxNumBatchedTokens: backend.maxNumBatchedTokens },
        {
          prefillBudgetSteps: policy.prefillBudgetSteps,
          seqBudgetFraction: 1,
          kvCacheHighWater: 1,
          interactiveHeadroomSteps: 1,
          interactivePrefillBudgetSteps: policy.latencyBudgetSteps,
          shortPromptTokens: policy.shortPromptTokens,
        },
      )
    : undefined;
  const queue = new PrefillCostQueue<number>(
    { agingFactor: 2, agingFloorTokens: 65_536, crossClassFactor: 4, deadlineSlackMs: 0, costGranularityTokens: viaGateway ? policy.sjfGranularityTokens : 1 },
    () => events.now,
  );
  const latency = new LatencySensitiveArrivals(
    { windowMs: 2_000, shortPromptTokens: viaGateway ? policy.shortPromptTokens : 0, backendOrdersClasses: viaGateway && policy.backendPriority },
    () => events.now,
  );
  const byId = new Map<string, number>();
  // The gateway learns of a first token or an end one hop after the step that produced it.
  const backToGateway = (index: number, apply: (r: ModelResult, at: number) => void) =>
    events.at(events.now + backend.hopMs, () => {
      apply(results[index]!, events.now);
      if (admission) dispatch();
    });
  const core = new EngineCore(
    {
      profile: qwen25_7b_h100,
      kvCapacityTokens: qwen25_7b_h100.kvCapacityTokens,
      maxNumBatchedTokens: backend.maxNumBatchedTokens,
      maxNumSeqs: backend.maxNumSeqs,
      blockSize: 16,
      policy: viaGateway && policy.backendPriority ? "priority" : "fcfs",
      enablePrefixCaching: true,
      longPrefillTokenThreshold: 0,
    },
    {
      onStep() {},
      onPreemption() {},
      onPrefixCacheQuery() {},
      onInterTokenLatency() {},
      onFirstToken(request) {
        const index = byId.get(request.id)!;
        backToGateway(index, (r, at) => {
          r.ttftMs = at - requests[index]!.arrivalMs;
          admission?.prefilled(requests[index]!.promptTokens);
        });
      },
      onRequestFinished(request) {
        const index = byId.get(request.id)!;
        backToGateway(index, (r, at) => {
          r.finishedMs = at;
          admission?.finished(requests[index]!.promptTokens, true);
        });
      },
    },
  );
  let stepping = false;
  const step = () => {
    if (stepping) return;
    const duration = core.beginStep(events.now);
    if (duration === null) return;
    stepping = true;
    events.at(events.now + duration, () => {
      core.endStep(events.now);
      stepping = false;
      step();
    });
  };
  let nextToken = 1;
  const submit = (index: number) => {
    const r = requests[index]!;
    // Distinct token ids: no prompt shares a prefix with another, as the benchmark's random prompts.
    const prompt = Array.from({ length: r.promptTokens }, () => nextToken++);
    let generated = 0;
    const output = { sample: () => nextToken++, accept: () => (++generated >= r.outputTokens ? ("length" as const) : null) };
    const priority = viaGateway && policy.backendPriority ? vllmPriority(r.priority) : 0;
    const request = new EngineRequest(String(index), prompt, output, { onProgress() {} }, priority);
    byId.set(request.id, index);
    core.submit(request, events.now);
    step();
  };
  // The gateway's dispatch loop for one backend (Dispatcher.run): the best queued request goes
  // while there is room; it waits for room rather than letting lesser ones pass it.
  const dispatch = () => {
    for (let next = queue.peek(); next; next = queue.peek()) {
      const r = requests[next.entry.item]!;
      if (!admission!.hasRoomFor(r.promptTokens, r.priority, latency.constrains(r.priority))) break;
      queue.take(next.entry);
      admission!.dispatched(r.promptTokens);
      const index = next.entry.item;
      events.at(events.now + backend.hopMs, () => submit(index));
    }
  };
  let windowOpen = false;
  requests.forEach((r, index) =>
    events.at(r.arrivalMs + backend.hopMs, () => {
      if (!viaGateway) return submit(index);
      latency.arrived(r.priority, r.promptTokens);
      queue.push({ priority: r.priority, cost: r.promptTokens, item: index });
      if (windowOpen) return;
      windowOpen = true;
      events.at(events.now + backend.batchWindowMs, () => {
        windowOpen = false;
        dispatch();
      });
    }),
  );
  events.drain();
  return results;
}
