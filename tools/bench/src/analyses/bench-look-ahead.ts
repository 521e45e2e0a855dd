// make bench-look-ahead: the strength pipeline with and without its look-ahead (steps E and G
// started while step B's last answers decode), alternated restaurant by restaurant in one process
// over the real gateway and simulator at time scale 1 (grounded answers) and an in-process
// vector-search holding the analyses benchmark's reviews. Reports each variant's latency, what it
// cost (LLM requests, output tokens, baseline searches) and whether its strengths equal the run
// without the look-ahead. BENCH_ROUNDS (default 2: 20 runs a variant), BENCH_PROFILE (default
// qwen2.5-7b-h100). Writes bench-results/look-ahead/<time>.json and docs/figures/strength-look-ahead.md.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { LlmGateway, ResolvedOptions } from "@reviewlens/analysis-core";
import { common, inference } from "@reviewlens/contracts";
import { generateDataset } from "@reviewlens/demo-data";
import { createGatewayEmbedder } from "@reviewlens/embedder";
import { createServiceClient, readConfig } from "@reviewlens/runtime";
import {
  createVectorSearchBaseline,
  DEFAULT_LOOK_AHEAD,
  DEFAULT_MAX_STRENGTHS,
  DEFAULT_THRESHOLDS,
  extractStrengths,
  NO_LOOK_AHEAD,
  summarizationSchema,
  type LookAheadPoints,
} from "@reviewlens/summarization";
import { repoRoot, uploadReviewRecords } from "@reviewlens/testkit";
import { getTokenizer } from "@reviewlens/tokenizer";
import { startSimStack } from "../experiments/sim-stack.js";
import { serveVectorSearch } from "../experiments/topk-experiment.js";
import { invokedAs, writeDocsFigures } from "../report/figure-file.js";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 2);
const PROFILE = process.env["BENCH_PROFILE"] ?? "qwen2.5-7b-h100";
const VARIANTS: Array<{ name: string; points: LookAheadPoints }> = [
  { name: "without the look-ahead", points: NO_LOOK_AHEAD },
  { name: `look-ahead (E from ${DEFAULT_LOOK_AHEAD.baselineAfter * 100}%, G from ${DEFAULT_LOOK_AHEAD.statementsAfter * 100}% of B's answers)`, points: DEFAULT_LOOK_AHEAD },
  { name: "look-ahead from B's first answer", points: { baselineAfter: 0, statementsAfter: 0 } },
];

interface Run {
  ms: number;
  requests: number;
  outputTokens: number;
  searches: number;
  strengths: string;
  steps: Record<string, number>;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)] ?? 0;

const loadBefore = loadavg();
const config = readConfig(summarizationSchema);
const directory = await mkdtemp(join(tmpdir(), "bench-look-ahead-"));
const vectors = await serveVectorSearch(directory);
const stack = await startSimStack({ timeScale: 1, profile: PROFILE, simArgs: ["--output", "grounded", "--seed", "1"], gateway: true });
const client = createServiceClient(inference.InferenceGatewayServiceDefinition, stack.gateway!.grpcAddress);
try {
  // The analyses benchmark's reviews: ten restaurants of 50 and the 1,250 of its TOP-K restaurants (step E's baseline).
  const main = generateDataset({ seed: 42, restaurants: 10, reviewsPerRestaurant: 50 }).reviews;
  const sized = [50, 200, 1000].flatMap((n) => generateDataset({ seed: n, restaurants: 1, reviewsPerRestaurant: n }).reviews.map((r) => ({ ...r, review_id: `size${n}-${r.review_id}`, restaurant_id: `size${n}` })));
  await uploadReviewRecords(vectors.address, [...main, ...sized]);
  const ids = [...new Set(main.map((r) => r.restaurant_id))];

  let cost = { requests: 0, outputTokens: 0, searches: 0 };
  const direct: LlmGateway = client.client;
  const gateway: LlmGateway = {
    async complete(request, options) {
      const response = await direct.complete(request, options);
      cost.requests++;
      cost.outputTokens += response.usage?.outputTokens ?? 0;
      return response;
    },
  };
  const searching = createVectorSearchBaseline(vectors.client, { matchSimilarity: config.STRENGTH_MATCH_SIMILARITY, searchTopK: 1000 });
  const baseline = { prevalence: (claim: string, restaurantId: string, signal?: AbortSignal) => (cost.searches++, searching.prevalence(claim, restaurantId, signal)) };
  const options: ResolvedOptions = { topK: 20, force: true, priority: common.Priority.PRIORITY_INTERACTIVE };
  const runs = VARIANTS.map((): Run[] => []);
  // Round 0 warms the prefix cache and the processes; every later run finds its claims prompt cached.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const id of ids) {
      for (const [v, variant] of VARIANTS.entries()) {
        cost = { requests: 0, outputTokens: 0, searches: 0 };
        const started = performance.now();
        const { result, report } = await extractStrengths(
          { reviews: vectors.client, gateway, tokenizer: getTokenizer(), embedder: createGatewayEmbedder(client.client), baseline, maxPromptTokens: config.STRENGTH_MAX_PROMPT_TOKENS, clusterSimilarity: config.STRENGTH_CLUSTER_SIMILARITY, lookAhead: variant.points },
          { restaurantId: id, options, maxStrengths: DEFAULT_MAX_STRENGTHS, thresholds: DEFAULT_THRESHOLDS },
        );
        const ms = performance.now() - started;
        // What a look-ahead left running is cancelled when the pipeline returns; let it settle before the next run.
        await new Promise((r) => setTimeout(r, 100));
        if (round === 0) continue;
        const steps = Object.fromEntries(report.steps.map((s) => [s.step[0]!, s.ms]));
        runs[v]!.push({ ms, ...cost, strengths: JSON.stringify(result.strengths), steps });
      }
    }
    process.stderr.write(`round ${round} of ${ROUNDS} done (load ${loadavg()[0]!.toFixed(1)})\n`);
  }

  const reference = runs[0]!;
  const rows = VARIANTS.map((variant, v) => {
    const rs = runs[v]!;
    return {
      variant: variant.name,
      points: variant.points,
      runs: rs.length,
      mean_ms: mean(rs.map((r) => r.ms)),
      p95_ms: p95(rs.map((r) => r.ms)),
      llm_requests: mean(rs.map((r) => r.requests)),
      output_tokens: mean(rs.map((r) => r.outputTokens)),
      searches: mean(rs.map((r) => r.searches)),
      same_strengths: rs.filter((r, i) => r.strengths === reference[i]!.strengths).length,
      step_ms: Object.fromEntries("BCEG".split("").map((s) => [s, mean(rs.map((r) => r.steps[s] ?? 0))])),
    };
  });
  const load = { before: loadBefore, after: loadavg() };
  const md = [
    `**The strength pipeline with and without its look-ahead (vllm-sim ${PROFILE}, time scale 1, grounded answers, ${ids.length} restaurants x ${ROUNDS} rounds, alternated)**`,
    "",
    `Load average (1 min) ${load.before[0]!.toFixed(1)} before, ${load.after[0]!.toFixed(1)} after (2 cores).`,
    "",
    "| variant | mean ms | p95 ms | LLM requests | output tokens | baseline searches | strengths as without | B / C / E / G ms |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.variant} | ${r.mean_ms.toFixed(0)} | ${r.p95_ms.toFixed(0)} | ${r.llm_requests.toFixed(1)} | ${r.output_tokens.toFixed(0)} | ${r.searches.toFixed(1)} | ${r.same_strengths} of ${r.runs} | ` +
        `${"BCEG".split("").map((s) => r.step_ms[s]!.toFixed(0)).join(" / ")} |`,
    ),
  ].join("\n");
  const dir = join(repoRoot, "bench-results/look-ahead");
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${PROFILE}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(file, JSON.stringify({ profile: PROFILE, rounds: ROUNDS, load_average: load, rows }, null, 2));
  const figures = writeDocsFigures("strength-look-ahead", invokedAs("bench-look-ahead", []), md);
  process.stdout.write(`${md}\n\nwritten: ${file} and ${figures}\n`);
} finally {
  client.channel.close();
  await stack.stop();
  await vectors.close();
  await rm(directory, { recursive: true, force: true });
}
