import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { context as otelContext, metrics, trace } from "@opentelemetry/api";
import { createLogger, statusOf, Status } from "@reviewlens/runtime";
import { BackendError, type BackendChunk } from "./adapters/openai-backend.js";
import { BackendAttempts, type AttemptDeps, type AttemptOptions, type Generation } from "./backend-attempts.js";
import type { PooledBackend } from "./backend-pool.js";
import { BackendAtCapacity, BackendFailed, BackendRefusedRequest } from "./gateway-errors.js";
import { GenAiTelemetry } from "./genai-telemetry.js";
import type { ExecutionEvent } from "./llm-request.js";

const usage = { promptTokens: 40, outputTokens: 3, cachedPromptTokens: 0 };
const end: BackendChunk = { type: "end", finishReason: "stop", usage };
const text = (t: string): BackendChunk => ({ type: "text", text: t });

/** A backend that streams `chunks`, then throws `error` if given. */
function backend(id: string, chunks: BackendChunk[], error?: BackendError): PooledBackend {
  return {
    id,
    api: {
      async *generate() {
        for (const chunk of chunks) yield chunk;
        if (error) throw error;
      },
    },
  } as unknown as PooledBackend;
}

/** Dispatches to `backends` in turn; records what the pool and the metrics hear. */
function setUp(backends: PooledBackend[], options: Partial<AttemptOptions> = {}, pauseMs = 10) {
  const heard: string[] = [];
  /** What each attempt settled its tenant's service to. */
  const settled: number[] = [];
  let next = 0;
  const deps: AttemptDeps = {
    dispatcher: {
      wait: async () => {
        const b = backends[next++];
        if (!b) throw new Error("no backend left in the test");
        heard.push(`dispatched ${b.id}`);
        return { backend: b, reason: "order", matchedBlocks: 0, cost: 100, settle: (tokens: number) => settled.push(tokens) };
      },
    },
    pool: {
      anyHealthy: true,
      prefilled: (b) => heard.push(`prefilled ${b.id}`),
      finished: (b, _cost, prefilledAlready) => heard.push(`finished ${b.id}${prefilledAlready ? "" : " before its first token"}`),
      succeeded: (b) => heard.push(`succeeded ${b.id}`),
      failed: (b, _error, unreachable) => heard.push(`failed ${b.id}${unreachable ? " unreachable" : ""}`),
      pushedBack: (b) => (heard.push(`pushed back ${b.id}`), pauseMs),
    },
    genAi: new GenAiTelemetry(metrics.getMeter("test"), trace.getTracer("test")),
    metrics: { backpressure: (id, reason) => heard.push(`backpressure ${id} ${reason}`) },
    logger: createLogger("test", "silent"),
  };
  const attempts = new BackendAttempts(deps, { retryAttempts: 1, backpressureMaxWaitMs: 10_000, backendPriority: false, ...options });
  return { attempts, heard, settled };
}

function generation(over: Partial<Generation> = {}): Generation {
  return {
    request: {
      prompt: { kind: "text", text: "hello" },
      model: "",
      sampling: { maxTokens: 3, stop: [] },
      priority: "standard",
    },
    requestId: "req-1",
    streaming: false,
    arrivedAt: performance.now(),
    cost: 40,
    serviceTokens: 43,
    prefillMs: 1,
    prefixKeys: [],
    prefixBlockTokens: 16,
    parent: otelContext.active(),
    readmit: () => {},
    ...over,
  };
}

async function collect(events: AsyncGenerator<ExecutionEvent>): Promise<ExecutionEvent[]> {
  const out: ExecutionEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const summary = (events: ExecutionEvent[]) => events.map((e) => (e.type === "delta" ? `delta ${e.text}` : `done ${e.finishReason} on ${e.trace.backend}`));

describe("backend attempts", () => {
  it("a caller that does not stream gets the text in one piece, then the end; the pool hears the first token, the success and the end", async () => {
    const { attempts, heard } = setUp([backend("b1", [text("a"), text("b"), end])]);
    const events = await collect(attempts.run(generation(), new AbortController().signal));
    assert.deepEqual(summary(events), ["delta ab", "done stop on b1"]);
    assert.deepEqual(heard, ["dispatched b1", "prefilled b1", "succeeded b1", "finished b1"]);
    const done = events[1]!;
    assert.ok(done.type === "done");
    assert.equal(done.trace.requestId, "req-1");
    assert.deepEqual(done.usage, usage);
  });

  it("each attempt settles its tenant's service: the usage when answered, nothing before a first token, the charge after one", async () => {
    const answered = setUp([backend("b1", [], new BackendError("connection refused", "connection")), backend("b2", [text("x"), end])]);
    await collect(answered.attempts.run(generation(), new AbortController().signal));
    assert.deepEqual(answered.settled, [0, usage.promptTokens + usage.outputTokens]);
    const cut = setUp([backend("b1", [text("half")], new BackendError("backend failed mid-stream: boom", "failed")), backend("b2", [text("whole"), end])]);
    await collect(cut.attempts.run(generation({ serviceTokens: 900 }), new AbortController().signal));
    assert.deepEqual(cut.settled, [900, 43]);
  });

  it("a streaming caller gets each delta as it comes", async () => {
    const { attempts } = setUp([backend("b1", [text("a"), text("b"), end])]);
    assert.deepEqual(summary(await collect(attempts.run(generation({ streaming: true }), new AbortController().signal))), ["delta a", "delta b", "done stop on b1"]);
  });

  it("a backend failing before anything was delivered is retried on another replica, and the pool hears of the failure", async () => {
    const { attempts, heard } = setUp([backend("b1", [], new BackendError("connection refused", "connection")), backend("b2", [text("x"), end])]);
    assert.deepEqual(summary(await collect(attempts.run(generation(), new AbortController().signal))), ["delta x", "done stop on b2"]);
    assert.deepEqual(heard, ["dispatched b1", "failed b1 unreachable", "finished b1 before its first token", "dispatched b2", "prefilled b2", "succeeded b2", "finished b2"]);
  });

  it("a non-streaming request is retried even after tokens, since nothing was delivered yet", async () => {
    const { attempts } = setUp([backend("b1", [text("half")], new BackendError("backend failed mid-stream: boom", "failed")), backend("b2", [text("whole"), end])]);
    assert.deepEqual(summary(await collect(attempts.run(generation(), new AbortController().signal))), ["delta whole", "done stop on b2"]);
  });

  it("retries stop at retryAttempts: the caller gets BackendFailed (UNAVAILABLE) naming the last backend", async () => {
    const failing = (id: string) => backend(id, [], new BackendError("answered 500", "failed"));
    const { attempts, heard } = setUp([failing("b1"), failing("b2"), failing("b3")], { retryAttempts: 1 });
    await assert.rejects(collect(attempts.run(generation(), new AbortController().signal)), (error: unknown) => {
      assert.ok(error instanceof BackendFailed);
      assert.equal(error.message, "backend b2 failed: answered 500");
      assert.equal(statusOf(error)?.status, Status.UNAVAILABLE);
      return true;
    });
    assert.deepEqual(heard.filter((h) => h.startsWith("dispatched")), ["dispatched b1", "dispatched b2"]);
  });

  it("a streaming request is not retried once a delta was delivered", async () => {
    const { attempts } = setUp([backend("b1", [text("a")], new BackendError("backend failed mid-stream: boom", "failed")), backend("b2", [end])]);
    const seen: ExecutionEvent[] = [];
    await assert.rejects(
      (async () => {
        for await (const event of attempts.run(generation({ streaming: true }), new AbortController().signal)) seen.push(event);
      })(),
      BackendFailed,
    );
    assert.deepEqual(summary(seen), ["delta a"]);
  });

  it("a request the backend refuses (4xx) is the caller's fault: no retry, and the backend is not counted as failing", async () => {
    const { attempts, heard } = setUp([backend("b1", [], new BackendError("400 unsupported schema", "rejected", 400)), backend("b2", [end])]);
    await assert.rejects(collect(attempts.run(generation(), new AbortController().signal)), (error: unknown) => {
      assert.ok(error instanceof BackendRefusedRequest);
      assert.equal(statusOf(error)?.status, Status.INVALID_ARGUMENT);
      return true;
    });
    assert.deepEqual(heard, ["dispatched b1", "finished b1 before its first token"]);
  });

  it("a backend at its admission limit pauses, and the request goes back through overload refusal to the queue", async () => {
    const busy = new BackendError("backend answered 503: The engine is currently busy and cannot accept new requests.", "overloaded", 503);
    let readmitted = 0;
    const { attempts, heard } = setUp([backend("b1", [], busy), backend("b1", [text("x"), end])]);
    const events = await collect(attempts.run(generation({ readmit: () => readmitted++ }), new AbortController().signal));
    assert.deepEqual(summary(events), ["delta x", "done stop on b1"]);
    assert.equal(readmitted, 1);
    assert.deepEqual(heard.slice(0, 5), ["dispatched b1", "finished b1 before its first token", "pushed back b1", "backpressure b1 max_num_queued_reqs", "dispatched b1"]);
  });

  it("overload refusal may refuse the requeued request", async () => {
    const busy = new BackendError("busy", "overloaded", 429);
    const { attempts } = setUp([backend("b1", [], busy), backend("b2", [end])]);
    const full = new Error("the queue is full now");
    await assert.rejects(
      collect(
        attempts.run(
          generation({
            readmit: () => {
              throw full;
            },
          }),
          new AbortController().signal,
        ),
      ),
      (error) => error === full,
    );
  });

  it("a request that cannot wait out the pause is refused with BackendAtCapacity, the pause as its retry hint", async () => {
    const busy = new BackendError("503 The engine has reached its prefill token backlog limit.", "overloaded", 503);
    const { attempts } = setUp([backend("b1", [], busy)], { backpressureMaxWaitMs: 100 }, 250);
    await assert.rejects(collect(attempts.run(generation(), new AbortController().signal)), (error: unknown) => {
      assert.ok(error instanceof BackendAtCapacity);
      assert.equal(error.retryAfterMs, 250);
      assert.match(error.message, /backend b1 is at its admission limit \(max_num_queued_tokens\) and the request cannot wait longer for room/);
      return true;
    });
  });

  it("a caller that goes away ends it with the abort's reason, without a retry", async () => {
    const caller = new AbortController();
    const reason = new Error("the client disconnected");
    const aborting = {
      id: "b1",
      api: {
        async *generate() {
          caller.abort(reason);
          throw new BackendError("aborted", "connection");
        },
      },
    } as unknown as PooledBackend;
    const { attempts, heard } = setUp([aborting, backend("b2", [end])]);
    await assert.rejects(collect(attempts.run(generation(), caller.signal)), (error) => error === reason);
    assert.deepEqual(heard, ["dispatched b1", "finished b1 before its first token"]);
  });
});
