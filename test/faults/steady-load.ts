// A steady load for the fault tests: a fixed number of closed loops, each sending its next call as
// soon as the previous one ended, every outcome kept (what was asked, what came back, with which
// status) so a test can reconcile it against what the stores hold once the fault is over.
import { setTimeout as sleep } from "node:timers/promises";
import { common, sentiment, summarization } from "@reviewlens/contracts";
import { createServiceClient } from "@reviewlens/runtime";
import { Status } from "nice-grpc";

export interface CallOutcome {
  /** What was called, e.g. "sentiment" or "summary". */
  kind: string;
  /** The restaurant (or other key) it was about. */
  key: string;
  startedAt: number;
  endedAt: number;
  /** OK (0) or the gRPC status the call ended with. */
  code: Status;
  details: string;
  /** LLM requests the call reported (analyses). */
  llmRequests: number;
}

export type LoadCall = (loop: number, iteration: number, signal: AbortSignal) => Promise<Omit<CallOutcome, "startedAt" | "endedAt" | "code" | "details"> & { code?: Status; details?: string }>;

/** The status of a failed call: the server's code, or CANCELLED for our own abort. */
export function failureOf(error: unknown): { code: Status; details: string } {
  const e = error as { name?: string; code?: number; details?: string; message?: string };
  if (e.name === "AbortError") return { code: Status.CANCELLED, details: "aborted by the test" };
  return { code: typeof e.code === "number" ? e.code : Status.UNKNOWN, details: e.details ?? e.message ?? String(error) };
}

export class SteadyLoad {
  readonly outcomes: CallOutcome[] = [];
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly call: LoadCall,
    readonly concurrency: number,
    /** Describes the load for the fault table. */
    readonly description: string,
    private readonly pauseMs = 0,
  ) {}

  start(): this {
    this.loops = Array.from({ length: this.concurrency }, (_, loop) => this.run(loop));
    return this;
  }

  /** Lets the calls in flight finish (none is cut off), then returns every outcome. */
  async stop(): Promise<CallOutcome[]> {
    this.abort.abort();
    await Promise.all(this.loops);
    return this.outcomes;
  }

  /** Outcomes that ended OK after `since` (ms, Date.now()). */
  succeededSince(since: number): CallOutcome[] {
    return this.outcomes.filter((o) => o.code === Status.OK && o.startedAt >= since);
  }

  private async run(loop: number) {
    for (let iteration = 0; !this.abort.signal.aborted; iteration++) {
      const startedAt = Date.now();
      try {
        // The load's own stop never cancels a call: the test reconciles whole calls only.
        const result = await this.call(loop, iteration, new AbortController().signal);
        this.outcomes.push({ code: Status.OK, details: "", ...result, startedAt, endedAt: Date.now() });
      } catch (error) {
        const failure = failureOf(error);
        const described = error as { kind?: string; key?: string };
        this.outcomes.push({ kind: described.kind ?? "call", key: described.key ?? "", llmRequests: 0, ...failure, startedAt, endedAt: Date.now() });
        // A refused call comes back at once; pause so a loop does not spin through an outage.
        await sleep(100);
      }
      if (this.pauseMs > 0) await sleep(this.pauseMs);
    }
  }
}

/** Counts of outcomes by status name, e.g. { OK: 40, UNAVAILABLE: 3 }. */
export function countByCode(outcomes: readonly CallOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[Status[o.code]] = (counts[Status[o.code]] ?? 0) + 1;
  return counts;
}

export interface AnalysisClients {
  sentiment: ReturnType<typeof createServiceClient<typeof sentiment.SentimentServiceDefinition>>;
  summarization: ReturnType<typeof createServiceClient<typeof summarization.SummarizationServiceDefinition>>;
  close(): void;
}

export function analysisClients(sentimentAddress: string, summarizationAddress: string): AnalysisClients {
  const s = createServiceClient(sentiment.SentimentServiceDefinition, sentimentAddress);
  const m = createServiceClient(summarization.SummarizationServiceDefinition, summarizationAddress);
  return {
    sentiment: s,
    summarization: m,
    close() {
      s.channel.close();
      m.channel.close();
    },
  };
}

/**
 * The steady analysis load: `loops` closed loops over the restaurants, even loops asking for
 * sentiment, odd loops for a summary, each with `force` so every call runs its LLM requests.
 */
export function analysisLoad(clients: AnalysisClients, restaurants: readonly string[], loops: number): SteadyLoad {
  const options = { topK: 0, force: true, priority: common.Priority.PRIORITY_STANDARD };
  const call: LoadCall = async (loop, iteration, signal) => {
    const key = restaurants[(loop + iteration * loops) % restaurants.length]!;
    const kind = loop % 2 === 0 ? "sentiment" : "summary";
    try {
      const response =
        kind === "sentiment"
          ? await clients.sentiment.client.analyzeRestaurant({ restaurantId: key, options }, { signal })
          : await clients.summarization.client.summarize({ restaurantId: key, options, aspects: [] }, { signal });
      if (response.report?.status !== common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED) {
        throw Object.assign(new Error(`status ${response.report?.status}`), { code: Status.UNKNOWN });
      }
      return { kind, key, llmRequests: response.report.llmRequests };
    } catch (error) {
      throw Object.assign(error as Error, { kind, key });
    }
  };
  return new SteadyLoad(call, loops, `${loops} closed loops of forced analyses (sentiment and summary) over ${restaurants.length} restaurants`);
}
