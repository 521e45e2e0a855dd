import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidArgumentError, Status, statusOf } from "@reviewlens/runtime";
import type { PooledBackend } from "./backend-pool.js";
import { BackendFailed } from "./gateway-errors.js";
import type { LlmRequest, Prompt } from "./llm-request.js";
import { PromptCosts } from "./prompt-cost.js";
import { BackendRouter } from "./routing/backend-router.js";

type Tokenized = { count: number; tokens: number[]; maxModelLen?: number } | undefined;

/** An estimator that says 100 and records what it is told. */
function fakeEstimator() {
  const heard: Array<{ text: string; overhead: number; actual?: number }> = [];
  return {
    heard,
    estimate: (text: string, overhead = 0) => (heard.push({ text, overhead }), 100),
    observe: (text: string, actual: number, overhead = 0) => void heard.push({ text, overhead, actual }),
  };
}

function tokenizer(id: string, answer: () => Promise<Tokenized>, missing = false): PooledBackend {
  return {
    id,
    load: 0,
    api: { model: async () => "qwen" },
    probe: { missing: new Set(missing ? ["tokenize"] : []), tokenize: answer },
  } as unknown as PooledBackend;
}

function setUp(backends: PooledBackend[], tokenize = true) {
  const estimator = fakeEstimator();
  const costs = new PromptCosts(
    { estimator, healthyBackends: () => backends, router: new BackendRouter({ policy: "least-loaded", affinityMargin: 0, maxEntries: 10 }), contextTokens: () => undefined },
    tokenize,
  );
  return { costs, estimator };
}

const request = (prompt: Prompt, maxTokens = 16): LlmRequest => ({ prompt, model: "", sampling: { maxTokens, stop: [] }, priority: "standard" });
const chat: Prompt = { kind: "chat", messages: [{ role: "user", content: "맛있어요?" }] };
const signal = new AbortController().signal;

describe("prompt cost", () => {
  it("estimated: the text plus the chat template's tokens, and the backend's count of the answer calibrates the estimate", async () => {
    const { costs, estimator } = setUp([], false);
    const cost = await costs.measure(request(chat), signal);
    assert.equal(cost.tokens, 100);
    assert.equal(cost.prefix, "user\n맛있어요?\n");
    cost.calibrate(42);
    // One message: 5 template tokens, 3 for the generation prompt, 25 for the default system prompt.
    assert.deepEqual(estimator.heard, [
      { text: "user\n맛있어요?\n", overhead: 33 },
      { text: "user\n맛있어요?\n", overhead: 33, actual: 42 },
    ]);
    await costs.measure(request({ kind: "text", text: "plain" }), signal);
    assert.equal(estimator.heard[2]?.overhead, 0, "a text prompt has no template");
  });

  it("counted: the backend's count and token ids, nothing for the estimator to learn", async () => {
    const { costs, estimator } = setUp([tokenizer("b1", async () => ({ count: 57, tokens: [1, 2, 3] }))]);
    const cost = await costs.measure(request(chat), signal);
    assert.deepEqual([cost.tokens, cost.prefix], [57, [1, 2, 3]]);
    cost.calibrate(57);
    assert.deepEqual(estimator.heard.filter((h) => h.actual !== undefined), []);
  });

  it("a prompt the estimate puts far beyond the context is refused before any backend is asked", async () => {
    let asked = 0;
    const estimator = { estimate: () => 50_000, observe: () => undefined };
    const backends = [tokenizer("b1", async () => (asked++, { count: 1, tokens: [1] }))];
    const router = new BackendRouter({ policy: "least-loaded", affinityMargin: 0, maxEntries: 10 });
    const costs = new PromptCosts({ estimator, healthyBackends: () => backends, router, contextTokens: () => 32_768 }, true);
    await assert.rejects(costs.measure({ ...request(chat), promptField: "messages" }, signal), /^InvalidArgumentError: messages: about 50000 prompt tokens/);
    assert.equal(asked, 0, "no /tokenize call");
  });

  it("the estimate stands in when no healthy backend has /tokenize, or the one asked turns out not to", async () => {
    assert.equal((await setUp([tokenizer("b1", async () => ({ count: 1, tokens: [1] }), true)]).costs.measure(request(chat), signal)).tokens, 100);
    assert.equal((await setUp([]).costs.measure(request(chat), signal)).tokens, 100);
    assert.equal((await setUp([tokenizer("b1", async () => undefined)]).costs.measure(request(chat), signal)).tokens, 100);
  });

  it("a prompt that with max_tokens exceeds the model's context is refused, naming request.prompt", async () => {
    const { costs } = setUp([tokenizer("b1", async () => ({ count: 4_000, tokens: [], maxModelLen: 4_096 }))]);
    await assert.rejects(costs.measure(request(chat, 100), signal), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.message, "request.prompt: 4000 prompt tokens plus max_tokens 100 exceed the model's context of 4096 tokens");
      return true;
    });
    assert.equal((await costs.measure(request(chat, 96), signal)).tokens, 4_000, "exactly the context fits");
  });

  it("a tokenizer that fails fails the request as its backend's failure (UNAVAILABLE)", async () => {
    const { costs } = setUp([tokenizer("http://b1", () => Promise.reject(new Error("/tokenize answered 500: boom")))]);
    await assert.rejects(costs.measure(request(chat), signal), (error: unknown) => {
      assert.ok(error instanceof BackendFailed);
      assert.equal(error.message, "backend http://b1 failed: Error: /tokenize answered 500: boom");
      assert.equal(statusOf(error)?.status, Status.UNAVAILABLE);
      return true;
    });
  });
});
