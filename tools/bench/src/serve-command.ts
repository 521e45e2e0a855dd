// `bench serve`: vllm bench serve's flags, against the gateway (gRPC or facade) or any OpenAI endpoint.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { interArrivalTimes } from "./load/arrival-process.js";
import { buildResult, formatSummary, type BenchResult } from "./load/bench-result.js";
import type { PercentileMetric } from "./load/bench-metrics.js";
import { parseGoodput } from "./load/goodput.js";
import { loadQwenTokenizer } from "./load/qwen-tokenizer.js";
import { promptsOfLengths, randomDataset } from "./load/random-dataset.js";
import { sampleShareGptLengths } from "./load/sharegpt-lengths.js";
import { RandomSource } from "./load/random-source.js";
import type { BenchPriority, BenchRequest } from "./load/request-output.js";
import { reviewDataset } from "./load/review-dataset.js";
import { runBenchmark } from "./load/run-benchmark.js";
import { ProgressBar } from "./progress-bar.js";
import { UsageError } from "./usage-error.js";
import type { BenchTarget } from "./targets/bench-target.js";
import { createGatewayTarget } from "./targets/gateway-grpc-target.js";
import { createOpenAiTarget } from "./targets/openai-target.js";

export interface ServeOptions {
  backend: "openai" | "openai-chat" | "reviewlens-grpc";
  baseUrl?: string;
  host: string;
  port: number;
  endpoint: string;
  grpcAddress: string;
  model: string;
  tokenizer: string;
  datasetName: "random" | "reviews" | "sharegpt";
  numPrompts: number;
  requestRate: number;
  burstiness: number;
  maxConcurrency?: number;
  randomInputLen: number;
  randomOutputLen: number;
  randomRangeRatio: number;
  randomPrefixLen: number;
  reviewsRestaurants: number;
  reviewsPerPrompt: number;
  reviewsOutputLen: number;
  sharegptOutputLen?: number;
  seed: number;
  goodput?: string[];
  percentileMetrics: string;
  metricPercentiles: string;
  ignoreEos: boolean;
  priority: BenchPriority;
  timeScale: number;
  saveResult: boolean;
  resultDir: string;
  resultFilename?: string;
  label?: string;
  disableTqdm: boolean;
  apiKey?: string;
}

const num = (flag: string, check: (n: number) => boolean, what: string) => (raw: string) => {
  const n = raw === "inf" ? Infinity : Number(raw);
  if (!check(n)) throw new InvalidArgumentError(`${flag} must be ${what}, got "${raw}"`);
  return n;
};
const positiveInt = (flag: string) => num(flag, (n) => Number.isInteger(n) && n >= 1, "a positive integer");
const nonNegativeInt = (flag: string) => num(flag, (n) => Number.isInteger(n) && n >= 0, "a non-negative integer");
const positive = (flag: string) => num(flag, (n) => n > 0, "a positive number");

export function serveCommand(): Command {
  return new Command("serve")
    .description("benchmark online serving throughput and latency (vllm bench serve's flags)")
    .addOption(new Option("--backend <name>", "request format").choices(["openai", "openai-chat", "reviewlens-grpc"]).default("openai"))
    .option("--base-url <url>", "server base URL (overrides --host/--port)")
    .option("--host <host>", "server host", "127.0.0.1")
    .option("--port <n>", "server port", positiveInt("--port"), 8000)
    .option("--endpoint <path>", "API path", "/v1/completions")
    .option("--grpc-address <addr>", "gateway gRPC address for --backend reviewlens-grpc", "127.0.0.1:50051")
    .option("--model <name>", "model name sent with each request", "Qwen/Qwen2.5-7B-Instruct")
    .option("--tokenizer <name>", "tokenizer the prompts are built with (Qwen2.5's is built in)", "Qwen/Qwen2.5-7B-Instruct")
    .addOption(new Option("--dataset-name <name>", "random tokens, seeded Korean reviews, or ShareGPT-shaped lengths (no download)").choices(["random", "reviews", "sharegpt"]).default("random"))
    .option("--num-prompts <n>", "number of requests", positiveInt("--num-prompts"), 1000)
    .addOption(new Option("--request-rate <r>", "requests per second (inf: all at once)").argParser(positive("--request-rate")).default(Infinity, "inf"))
    .option("--burstiness <b>", "gamma shape of arrivals: 1 Poisson, <1 burstier, >1 smoother", positive("--burstiness"), 1)
    .option("--max-concurrency <n>", "requests in flight at most", positiveInt("--max-concurrency"))
    .option("--random-input-len <n>", "input tokens per request", positiveInt("--random-input-len"), 1024)
    .option("--random-output-len <n>", "output tokens per request", positiveInt("--random-output-len"), 128)
    .option("--random-range-ratio <r>", "lengths uniform in [len*(1-r), len*(1+r)], 0 <= r < 1", num("--random-range-ratio", (n) => n >= 0 && n < 1, "in [0, 1)"), 0)
    .option("--random-prefix-len, --prefix-len <n>", "tokens of a prefix every prompt shares", nonNegativeInt("--random-prefix-len"), 0)
    .option("--reviews-restaurants <n>", "restaurants in the review data set", positiveInt("--reviews-restaurants"), 10)
    .option("--reviews-per-prompt <n>", "reviews per sentiment prompt", positiveInt("--reviews-per-prompt"), 5)
    .option("--reviews-output-len <n>", "max output tokens of a review prompt", positiveInt("--reviews-output-len"), 128)
    .option("--sharegpt-output-len <n>", "every ShareGPT-shaped request's output length instead of the drawn one", positiveInt("--sharegpt-output-len"))
    .option("--seed <n>", "random seed", nonNegativeInt("--seed"), 0)
    .option("--goodput <slo...>", "SLOs as KEY:MS (ttft, tpot, e2el)")
    .option("--percentile-metrics <list>", "metrics to report percentiles of", "ttft,tpot,itl,e2el")
    .option("--metric-percentiles <list>", "percentiles to report", "50,90,95,99")
    .option("--ignore-eos", "generate exactly the output length", false)
    .addOption(new Option("--priority <class>", "gateway priority class").choices(["interactive", "standard", "batch"]).default("standard"))
    .option("--time-scale <s>", "the simulator's --time-scale: report virtual time (wall / s); 1 for a real server", positive("--time-scale"), 1)
    .option("--save-result", "write the result JSON", false)
    .option("--result-dir <dir>", "where to write it", ".")
    .option("--result-filename <name>", "file name (default vLLM's pattern)")
    .option("--label <text>", "label stored in the result")
    .option("--api-key <key>", "bearer token for the HTTP endpoint (default OPENAI_API_KEY)", process.env["OPENAI_API_KEY"])
    .option("--disable-tqdm", "no progress bar", false);
}

export function validateServeOptions(o: ServeOptions): { goodput?: ReturnType<typeof parseGoodput> | undefined; percentileMetrics: PercentileMetric[]; percentiles: number[] } {
  try {
    return checkServeOptions(o);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function checkServeOptions(o: ServeOptions) {
  const percentileMetrics = o.percentileMetrics.split(",").map((s) => s.trim());
  for (const m of percentileMetrics) if (!["ttft", "tpot", "itl", "e2el"].includes(m)) throw new Error(`--percentile-metrics: unknown metric "${m}"`);
  const percentiles = o.metricPercentiles.split(",").map((s) => Number(s.trim()));
  for (const p of percentiles) if (!(p > 0 && p < 100)) throw new Error(`--metric-percentiles: each must be in (0, 100), got ${o.metricPercentiles}`);
  return { goodput: o.goodput ? parseGoodput(o.goodput) : undefined, percentileMetrics: percentileMetrics as PercentileMetric[], percentiles };
}

export function targetFor(o: Pick<ServeOptions, "backend" | "baseUrl" | "host" | "port" | "endpoint" | "grpcAddress" | "model" | "ignoreEos" | "priority" | "apiKey">): BenchTarget {
  if (o.backend === "reviewlens-grpc") return createGatewayTarget({ address: o.grpcAddress, model: o.model, ignoreEos: o.ignoreEos, defaultPriority: o.priority });
  const endpoint = o.backend === "openai-chat" && o.endpoint === "/v1/completions" ? "/v1/chat/completions" : o.endpoint;
  return createOpenAiTarget({ baseUrl: o.baseUrl ?? `http://${o.host}:${o.port}`, endpoint, model: o.model, ignoreEos: o.ignoreEos, apiKey: o.apiKey });
}

export async function buildRequests(o: ServeOptions): Promise<BenchRequest[]> {
  const tokenizer = loadQwenTokenizer();
  const requests =
    o.datasetName === "reviews"
      ? reviewDataset({ numPrompts: o.numPrompts, seed: o.seed, restaurants: o.reviewsRestaurants, reviewsPerPrompt: o.reviewsPerPrompt, outputLen: o.reviewsOutputLen }, tokenizer)
      : o.datasetName === "sharegpt"
        ? shareGptDataset(o, tokenizer)
        : randomDataset({ numPrompts: o.numPrompts, inputLen: o.randomInputLen, outputLen: o.randomOutputLen, rangeRatio: o.randomRangeRatio, prefixLen: o.randomPrefixLen }, new RandomSource(o.seed), tokenizer);
  return requests.map((r) => ({ ...r, priority: o.priority }));
}

/** ShareGPT-shaped lengths (load/sharegpt-lengths.ts) as prompts of random words; --sharegpt-output-len fixes the outputs, as in vLLM. */
function shareGptDataset(o: ServeOptions, tokenizer: ReturnType<typeof loadQwenTokenizer>): BenchRequest[] {
  const random = new RandomSource(o.seed);
  const lengths = sampleShareGptLengths(o.numPrompts, random).map((l) => ({ input: l.input, output: o.sharegptOutputLen ?? l.output }));
  return promptsOfLengths(lengths, random, tokenizer);
}

/** Runs one benchmark; prints progress (stderr) and the summary (out); saves JSON when asked. */
export async function runServe(o: ServeOptions, out: (s: string) => void): Promise<BenchResult> {
  const checked = validateServeOptions(o);
  const requests = await buildRequests(o);
  // Arrival draws use their own stream so that changing lengths does not move arrival times.
  const interArrival = interArrivalTimes(requests.length, { requestRate: o.requestRate, burstiness: o.burstiness }, new RandomSource(o.seed + 1));
  const target = targetFor(o);
  const progress = o.disableTqdm ? undefined : new ProgressBar(requests.length);
  out(`Traffic request rate: ${o.requestRate}, burstiness: ${o.burstiness} (${o.burstiness === 1 ? "Poisson" : "gamma"}), max concurrency: ${o.maxConcurrency ?? "none"}`);
  try {
    const run = await runBenchmark({ requests, interArrival, maxConcurrency: o.maxConcurrency, timeScale: o.timeScale, target, onDone: () => progress?.tick() });
    progress?.stop();
    const result = buildResult(
      { backend: target.backend, label: o.label, modelId: o.model, tokenizerId: o.tokenizer, numPrompts: o.numPrompts, requestRate: o.requestRate, burstiness: o.burstiness, maxConcurrency: o.maxConcurrency, timeScale: o.timeScale },
      run.outputs,
      { durationS: run.durationS, goodput: checked.goodput, percentileMetrics: checked.percentileMetrics, percentiles: checked.percentiles },
    );
    out(formatSummary(result, checked));
    const firstError = run.outputs.find((x) => !x.success)?.error;
    if (firstError) out(`First error: ${firstError}`);
    if (o.saveResult) {
      const rate = Number.isFinite(o.requestRate) ? String(o.requestRate) : "inf";
      const name = o.resultFilename ?? `${target.backend}-${rate}qps${o.maxConcurrency ? `-concurrency${o.maxConcurrency}` : ""}-${o.model.split("/").pop()}-${String(result["date"])}.json`;
      await mkdir(o.resultDir, { recursive: true });
      await writeFile(join(o.resultDir, name), JSON.stringify(result, null, 2));
      out(`Saved ${join(o.resultDir, name)}`);
    }
    return result;
  } finally {
    progress?.stop();
    await target.close();
  }
}
