// The engine's vLLM-like behaviour, observed from outside a real simulator process: its step log
// (/sim/steps), its vLLM metrics and its responses.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { waitFor } from "@reviewlens/testkit";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { readSse, sample, startSim, type Sim } from "./sim-process.js";

interface Step {
  index: number;
  decodeSeqs: number;
  prefillTokens: number;
  prefillSeqs: number;
  waiting: number;
  running: number;
  preempted: number;
  generatedTokens: number;
}

// Three simulators, started together: real time with vLLM's defaults; one sequence slot with the
// priority policy (overload, disconnects, priorities); a tiny KV cache (preemption).
let realTime: Sim;
let oneSlot: Sim;
let tinyKv: Sim;
before(async () => {
  [realTime, oneSlot, tinyKv] = await Promise.all([
    startSim(["--time-scale", "1"]),
    startSim(["--time-scale", "1", "--max-num-seqs", "1", "--scheduling-policy", "priority"]),
    // 32 blocks of 16 tokens; requests that grow to 350 tokens (22 blocks) cannot run two at a time.
    startSim(["--time-scale", "0.2", "--kv-capacity-tokens", "512"]),
  ]);
});
after(async () => {
  await Promise.all([realTime, oneSlot, tinyKv].map((s) => s?.stop()));
});
const steps = async (s: Sim) => (await s.json<{ steps: Step[] }>("/sim/steps?limit=4096")).steps;
/** Distinct prompts of exact lengths, as token ids. */
let salt = 1000;
const prompt = (n: number) => Array.from({ length: n }, (_, i) => 2000 + ((salt++ * 7919 + i * 104_729) % 90_000));

describe("on a real-time simulator", () => {
  test("continuous batching: requests arriving 0, 20 and 30 ms apart are decoded in the same steps", async () => {
    const s = realTime;
    const before = (await steps(s)).length;
    const send = (delay: number) =>
      sleep(delay).then(() => s.json<{ usage: { completion_tokens: number } }>("/v1/completions", { prompt: prompt(20), max_tokens: 120, ignore_eos: true }));
    const results = await Promise.all([send(0), send(20), send(30)]);
    for (const r of results) assert.equal(r.usage.completion_tokens, 120);
    const run = (await steps(s)).slice(before);
    const shared = run.filter((st) => st.decodeSeqs === 3);
    // 120 tokens take about 0.75 s, so the three overlap for most of it even on a busy machine.
    assert.ok(shared.length >= 40, `steps decoding all three: ${shared.length}`);
    // Served one after another they would need at least 3 x 120 steps.
    assert.ok(run.length < 300, `steps used: ${run.length}`);
  });

  test("TTFT grows with prompt length", async () => {
    const s = realTime;
    const ttfts: number[] = [];
    for (const length of [16, 2000, 8000, 20_000]) {
      const before = sample(await s.metrics(), "vllm:time_to_first_token_seconds_sum");
      await s.json("/v1/completions", { prompt: prompt(length), max_tokens: 1 });
      ttfts.push(sample(await s.metrics(), "vllm:time_to_first_token_seconds_sum") - before);
    }
    for (let i = 1; i < ttfts.length; i++) assert.ok(ttfts[i]! > ttfts[i - 1]!, `TTFTs ${ttfts.join(", ")}`);
    // 20,000 tokens exceed the 8192-token budget: chunked prefill spreads them over 3 steps.
    const last = (await steps(s)).filter((st) => st.prefillTokens > 0).slice(-3);
    assert.deepEqual(last.map((st) => st.prefillTokens), [8192, 8192, 20_000 - 2 * 8192]);
  });
});

test("under overload requests wait, vllm:num_requests_waiting rises and queue time is recorded", async () => {
  const s = oneSlot;
  const all = Promise.all(Array.from({ length: 6 }, () => s.json("/v1/completions", { prompt: prompt(32), max_tokens: 30, ignore_eos: true })));
  let waitingSeen = 0;
  await waitFor(
    async () => {
      waitingSeen = Math.max(waitingSeen, sample(await s.metrics(), "vllm:num_requests_waiting"));
      return waitingSeen > 0;
    },
    "requests waiting",
    20_000,
  );
  await all;
  const metrics = await s.metrics();
  assert.equal(sample(metrics, "vllm:num_requests_waiting"), 0);
  assert.equal(sample(metrics, "vllm:request_queue_time_seconds_count"), 6);
  // Served one at a time: the last waits for five others of 30 decode steps each.
  assert.ok(sample(metrics, "vllm:request_queue_time_seconds_sum") > 5 * 30 * 0.006);
  const run = await steps(s);
  assert.equal(Math.max(...run.map((st) => st.running)), 1);
  assert.ok(Math.max(...run.map((st) => st.waiting)) >= 4);
});

test("exhausting KV blocks preempts the newest request, counts it, and every request still completes", async () => {
  const s = tinyKv;
  const results = await Promise.all(
    Array.from({ length: 3 }, () => s.json<{ usage: { completion_tokens: number }; choices: Array<{ finish_reason: string }> }>("/v1/completions", { prompt: prompt(100), max_tokens: 250, ignore_eos: true })),
  );
  for (const r of results) {
    assert.equal(r.usage.completion_tokens, 250);
    assert.equal(r.choices[0]!.finish_reason, "length");
  }
  const metrics = await s.metrics();
  const preemptions = sample(metrics, "vllm:num_preemptions_total");
  assert.ok(preemptions >= 1, `preemptions: ${preemptions}`);
  assert.equal((await steps(s)).reduce((n, st) => n + st.preempted, 0), preemptions);
  assert.equal(sample(metrics, "vllm:kv_cache_usage_perc"), 0);
});

test("a repeated prefix produces prefix-cache hits", async () => {
  const s = realTime;
  const counters = async () => {
    const m = await s.metrics();
    return { hits: sample(m, "vllm:prefix_cache_hits_total"), queries: sample(m, "vllm:prefix_cache_queries_total") };
  };
  const start = await counters();
  const shared = prompt(200);
  await s.json("/v1/completions", { prompt: shared, max_tokens: 2 });
  const first = await counters();
  assert.equal(first.hits - start.hits, 0);
  assert.equal(first.queries - start.queries, 200);
  // The same prompt again: every full block except the one holding the last token is a hit.
  await s.json("/v1/completions", { prompt: shared, max_tokens: 2 });
  assert.equal((await counters()).hits - start.hits, 192);
  // A different prompt sharing the first 160 tokens hits those 10 blocks.
  await s.json("/v1/completions", { prompt: [...shared.slice(0, 160), ...prompt(90)], max_tokens: 2 });
  const last = await counters();
  assert.equal(last.hits - start.hits, 192 + 160);
  assert.equal(last.queries - start.queries, 650);
});

test("usage reports each request's cached prompt tokens, hits among prompts sent together included", async () => {
  const s = realTime;
  type Usage = { usage: { prompt_tokens: number; prompt_tokens_details: { cached_tokens: number } | null } };
  const shared = prompt(160);
  const first = await s.json<Usage>("/v1/completions", { prompt: [...shared, ...prompt(5)], max_tokens: 1 });
  assert.deepEqual(first.usage.prompt_tokens_details, { cached_tokens: 0 });
  // Four prompts over one new 160-token prefix, sent together: the first scheduled computes it, the
  // others hit its blocks in the same step (vLLM V1 caches blocks when it schedules them).
  const fresh = prompt(160);
  const together = await Promise.all([0, 1, 2, 3].map(() => s.json<Usage>("/v1/completions", { prompt: [...fresh, ...prompt(7)], max_tokens: 1 })));
  const cached = together.map((r) => r.usage.prompt_tokens_details!.cached_tokens).sort((a, b) => a - b);
  assert.deepEqual(cached, [0, 160, 160, 160]);
  for (const r of together) assert.equal(r.usage.prompt_tokens, 167);
  // The streamed usage chunk carries the same details.
  const streamed = await s.post("/v1/completions", { prompt: [...shared, ...prompt(5)], max_tokens: 1, stream: true, stream_options: { include_usage: true } });
  const usage = (await readSse(streamed)).events.map((e) => (e as Usage).usage).find((u) => u);
  assert.deepEqual(usage?.prompt_tokens_details, { cached_tokens: 160 });
});

test("a client disconnect aborts its request and frees its slot", async () => {
  const s = oneSlot;
  const aborts = () => s.metrics().then((m) => sample(m, "vllm:request_success_total", 'finished_reason="abort"'));
  const abortedBefore = await aborts();
  const res = await s.post("/v1/completions", { prompt: prompt(50), max_tokens: 20_000, ignore_eos: true, stream: true });
  const reader = res.body!.getReader();
  await reader.read(); // the stream is running
  await reader.cancel();
  await waitFor(async () => (await aborts()) === abortedBefore + 1, "the abort", 20_000);
  const metrics = await s.metrics();
  assert.equal(sample(metrics, "vllm:num_requests_running"), 0);
  assert.equal(sample(metrics, "vllm:kv_cache_usage_perc"), 0);
  // With one sequence slot, this only completes because the aborted request gave its slot back.
  const next = await s.json<{ usage: { completion_tokens: number } }>("/v1/completions", { prompt: prompt(10), max_tokens: 3 });
  assert.equal(next.usage.completion_tokens, 3);
});

test("priority scheduling serves lower priority values first", async () => {
  const s = oneSlot;
  const order: number[] = [];
  // A long stream holds the only slot until the three others are queued, then lets go.
  const blocker = await s.post("/v1/completions", { prompt: prompt(10), max_tokens: 20_000, ignore_eos: true, stream: true });
  const reader = blocker.body!.getReader();
  await reader.read();
  const queued = [5, 1, 3].map((priority) =>
    s.json("/v1/completions", { prompt: prompt(10), max_tokens: 2, priority }).then(() => order.push(priority)),
  );
  await waitFor(async () => sample(await s.metrics(), "vllm:num_requests_waiting") === 3, "three queued requests", 20_000);
  await reader.cancel();
  await Promise.all(queued);
  assert.deepEqual(order, [1, 3, 5]);
});

test("/metrics is valid Prometheus exposition with vLLM's names, types and labels", async () => {
  const s = realTime;
  const text = await s.metrics();
  const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  const expected: Record<string, string> = {
    "vllm:num_requests_running": "GAUGE",
    "vllm:num_requests_waiting": "GAUGE",
    "vllm:kv_cache_usage_perc": "GAUGE",
    "vllm:prompt_tokens_total": "COUNTER",
    "vllm:generation_tokens_total": "COUNTER",
    "vllm:num_preemptions_total": "COUNTER",
    "vllm:prefix_cache_queries_total": "COUNTER",
    "vllm:prefix_cache_hits_total": "COUNTER",
    "vllm:request_success_total": "COUNTER",
    "vllm:time_to_first_token_seconds": "HISTOGRAM",
    "vllm:inter_token_latency_seconds": "HISTOGRAM",
    "vllm:e2e_request_latency_seconds": "HISTOGRAM",
    "vllm:request_queue_time_seconds": "HISTOGRAM",
    "vllm:request_prefill_time_seconds": "HISTOGRAM",
    "vllm:request_decode_time_seconds": "HISTOGRAM",
  };
  for (const [name, type] of Object.entries(expected)) {
    const family = families.get(name);
    assert.ok(family, `${name} missing`);
    assert.equal(family.type, type, name);
    if (type === "HISTOGRAM") {
      // The parser drops histogram labels, so read the series lines themselves.
      const labels = String.raw`\{model_name="Qwen/Qwen2\.5-7B-Instruct",engine="0"\}`;
      assert.match(text, new RegExp(String.raw`^${name}_count${labels} \d+$`, "m"), name);
      assert.match(text, new RegExp(String.raw`^${name}_bucket\{le="\+Inf",model_name="Qwen/Qwen2\.5-7B-Instruct",engine="0"\} \d+$`, "m"), name);
      continue;
    }
    for (const m of family.metrics) {
      assert.equal(m.labels?.["model_name"], "Qwen/Qwen2.5-7B-Instruct", name);
      assert.equal(m.labels?.["engine"], "0", name);
    }
  }
  const success = families.get("vllm:request_success_total")!.metrics;
  assert.ok(success.some((m) => m.labels?.["finished_reason"] === "length" && Number(m.value) > 0));
  assert.ok(sample(text, "vllm:time_to_first_token_seconds_count") >= 7);
});

test("a stream delivers one event per token with increasing text", async () => {
  const s = realTime;
  const { events, done } = await readSse(await s.post("/v1/completions", { prompt: prompt(8), max_tokens: 25, ignore_eos: true, stream: true }));
  assert.ok(done);
  assert.equal(events.length, 25);
});
