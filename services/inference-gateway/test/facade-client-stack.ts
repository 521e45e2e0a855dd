// What the client compatibility suites share: a gateway with an API key and room for one request
// in flight and one waiting (so overload is one step away) in front of one vllm-sim, ways to fill
// it and to see the simulator stop, and the comparison of a facade answer with the simulator's.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot, runToExit, waitFor } from "@reviewlens/testkit";
import { llmRequest, useSingleSimStack, type Gateway, type Sim } from "./gateway-harness.js";

export const MODEL = "Qwen/Qwen2.5-7B-Instruct";
export const API_KEY = "compat-test-key";

export interface FacadeStack {
  readonly sim: Sim;
  readonly gateway: Gateway;
}

export function useFacadeStack(databaseName: string): FacadeStack {
  return useSingleSimStack(databaseName, ["--time-scale", "0.1"], {
    GATEWAY_API_KEY: API_KEY,
    GATEWAY_MAX_NUM_SEQS: "1",
    GATEWAY_MAX_QUEUE: "1",
  });
}

/** The facade's base URL and the simulator's, for the same client built twice. */
export const facadeUrl = (stack: FacadeStack) => `${stack.gateway.httpUrl}/v1`;
export const simUrl = (stack: FacadeStack) => `${stack.sim.url}/v1`;

/**
 * Makes `call` while one endless generation is in flight and one waits in the queue, so it meets
 * a full queue; ends both afterwards.
 */
export async function whileGatewayFull<T>(stack: FacadeStack, call: () => Promise<T>): Promise<T> {
  const release = await fillGateway(stack);
  try {
    return await call();
  } finally {
    await release();
  }
}

async function fillGateway(stack: FacadeStack): Promise<() => Promise<void>> {
  const controller = new AbortController();
  const long = () =>
    stack.gateway.client.complete({ request: llmRequest("keep going", {}, { maxTokens: 20_000, ignoreEos: true }) }, { signal: controller.signal }).catch(() => undefined);
  const running = long();
  await waitFor(async () => (await stack.sim.metric("vllm:num_requests_running")) === 1 || undefined, "the first request running");
  const queued = long();
  await waitFor(async () => (await stack.gateway.client.getStatus({})).queues.some((q) => q.depth === 1) || undefined, "the second request queued");
  return async () => {
    controller.abort();
    await Promise.all([running, queued]);
    await waitFor(async () => (await stack.gateway.metric("gateway_requests_in_flight")) === 0 || undefined, "the gateway empty again");
  };
}

/** The page that documents the facade and shows the examples. */
const GATEWAY_PAGE = "docs/components/inference-gateway.md";

/**
 * Runs one of the gateway page's client examples (services/inference-gateway/examples/) against the
 * facade and returns what it printed. docs/components/inference-gateway.md shows each file as it is,
 * so it cannot drift.
 */
export async function runReadmeExample(stack: FacadeStack, file: string): Promise<string> {
  const path = `services/inference-gateway/examples/${file}`;
  const [source, page] = await Promise.all([readFile(join(repoRoot, path), "utf8"), readFile(join(repoRoot, GATEWAY_PAGE), "utf8")]);
  assert.ok(page.includes("```ts\n" + source + "```\n"), `${GATEWAY_PAGE} shows ${path} as it is`);
  const { code, stdout, stderr } = await runToExit(path, { GATEWAY_URL: facadeUrl(stack), GATEWAY_API_KEY: API_KEY });
  assert.equal(code, 0, `${path} failed:\n${stdout}\n${stderr}`);
  return stdout;
}

export interface BackendCounts {
  aborted: number;
  generated: number;
}

export async function backendCounts(stack: FacadeStack): Promise<BackendCounts> {
  return {
    aborted: await stack.sim.metric("vllm:request_success_total", { finished_reason: "abort" }),
    generated: await stack.sim.metric("vllm:generation_tokens_total"),
  };
}

/**
 * After a client aborted a stream of `maxTokens` tokens: the simulator ends the request as
 * aborted, runs nothing, and generated far fewer tokens than were asked for.
 */
export async function assertBackendStopped(stack: FacadeStack, before: BackendCounts, maxTokens: number): Promise<void> {
  await waitFor(async () => (await stack.sim.metric("vllm:num_requests_running")) === 0 || undefined, "the simulator to stop the request");
  await waitFor(async () => (await backendCounts(stack)).aborted === before.aborted + 1 || undefined, "the simulator to count the request as aborted");
  const after = await backendCounts(stack);
  assert.ok(after.generated - before.generated < maxTokens, `the simulator generated ${after.generated - before.generated} of ${maxTokens} tokens`);
}

/** Top-level fields that differ between any two answers (a fresh id, the second it was made). */
const PER_ANSWER = new Set(["id", "created"]);
/**
 * vLLM's own response fields the facade does not carry (listed in docs/components/inference-gateway.md): its `stop_reason`
 * extension, prompt logprobs and the empty `tool_calls` list, all null or empty for the requests
 * the facade accepts.
 */
const NOT_CARRIED = new Set(["stop_reason", "prompt_logprobs", "tool_calls"]);
/**
 * Carried, but its value depends on the prefix cache: of two concurrent calls with one prompt,
 * whichever reaches the backend second finds it cached. Compared by type here, exactly in the
 * openai suite's sequential cached-tokens test.
 */
const CACHE_DEPENDENT = "cached_tokens";

/**
 * The facade's answer holds every field of the simulator's answer to the same call, with the same
 * value, except per-answer ids and times, the documented fields it does not carry and the cached
 * prompt tokens (the same type). The facade may add its own (`reviewlens`).
 */
export function assertSameAnswer(facade: unknown, direct: unknown, path = "answer"): void {
  if (Array.isArray(direct)) {
    assert.ok(Array.isArray(facade), `${path}: the facade gave ${JSON.stringify(facade)}`);
    assert.equal(facade.length, direct.length, `${path}: length`);
    direct.forEach((item, i) => assertSameAnswer(facade[i], item, `${path}[${i}]`));
    return;
  }
  if (typeof direct === "object" && direct !== null) {
    assert.ok(typeof facade === "object" && facade !== null, `${path}: the facade gave ${JSON.stringify(facade)}`);
    for (const [key, value] of Object.entries(direct)) {
      if ((path === "answer" && PER_ANSWER.has(key)) || NOT_CARRIED.has(key)) continue;
      if (key === CACHE_DEPENDENT) {
        assert.equal(typeof (facade as Record<string, unknown>)[key], typeof value, `${path}.${key}: carried`);
        continue;
      }
      assertSameAnswer((facade as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
    return;
  }
  assert.deepEqual(facade, direct, path);
}
