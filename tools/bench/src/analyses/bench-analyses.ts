// make bench-analyses: the analysis path on a simulator profile in real time (vllm-sim -> gateway ->
// vector-search -> sentiment / summarization), side by side in one run, grounded answers (their
// lengths follow the reviews, as a model's would). BENCH_PROFILE (default qwen2.5-7b-h100),
// BENCH_SIM_OUTPUT (grounded or random). Writes bench-results/analyses/<profile>-<time>.json and
// .md, and <profile>.md (the latest). Not a test: it asserts nothing.
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { common, sentiment, summarization } from "@reviewlens/contracts";
import { generateDataset } from "@reviewlens/demo-data";
import { startAnalysisStack, uploadReviewRecords, repoRoot } from "@reviewlens/testkit";
import { createChannel, createClient } from "nice-grpc";
import { invokedAs, writeDocsFigures } from "../report/figure-file.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 20);
const TIME_SCALE = process.env["BENCH_TIME_SCALE"] ?? "1";
const PROFILE = process.env["BENCH_PROFILE"] ?? "qwen2.5-7b-h100";
const OUTPUT = process.env["BENCH_SIM_OUTPUT"] ?? "grounded";
const loadBefore = loadavg();
const forced = (topK = 20) => ({ topK, force: true, priority: common.Priority.PRIORITY_INTERACTIVE });

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)] ?? 0;
async function timed<T>(run: () => Promise<T>): Promise<{ value: T; s: number }> {
  const started = performance.now();
  const value = await run();
  return { value, s: (performance.now() - started) / 1000 };
}

const stack = await startAnalysisStack({ simArgs: ["--profile", PROFILE, "--time-scale", TIME_SCALE, "--seed", "1", "--output", OUTPUT] });
try {
  // Ten restaurants of 50 reviews (latency, batch, experiment), three of 50 / 200 / 1000 (tokens) and
  // one of 50 for the first, cold analyses.
  const main = generateDataset({ seed: 42, restaurants: 10, reviewsPerRestaurant: 50 }).reviews;
  const oneRestaurant = (seed: number, n: number, restaurantId: string) =>
    generateDataset({ seed, restaurants: 1, reviewsPerRestaurant: n }).reviews.map((r) => ({ ...r, review_id: `${restaurantId}-${r.review_id}`, restaurant_id: restaurantId }));
  const sized = [50, 200, 1000].flatMap((n) => oneRestaurant(n, n, `size${n}`));
  const WARM_UP = "warm-up";
  await uploadReviewRecords(stack.vectorSearch.address, [...main, ...sized, ...oneRestaurant(7, 50, WARM_UP)]);
  const ids = [...new Set(main.map((r) => r.restaurant_id))];
  const sCh = createChannel(stack.sentiment.address);
  const mCh = createChannel(stack.summarization.address);
  const sent = createClient(sentiment.SentimentServiceDefinition, sCh);
  const summ = createClient(summarization.SummarizationServiceDefinition, mCh);

  // 1. Single-restaurant latency, and what each analysis cost in tokens (computed: not served by the prefix cache).
  const latencies: Record<string, number[]> = { sentiment: [], summary: [], strengths: [] };
  const used: Record<string, common.TokenUsage[]> = { sentiment: [], summary: [], strengths: [] };
  const analyses: Record<string, (id: string) => Promise<{ report?: common.AnalysisReport | undefined }>> = {
    sentiment: (id) => sent.analyzeRestaurant({ restaurantId: id, options: forced() }),
    summary: (id) => summ.summarize({ restaurantId: id, options: forced() }),
    strengths: (id) => summ.extractStrengths({ restaurantId: id, options: forced() }),
  };
  // The first analysis of each kind after start is cold (connections opened, its instructions not in
  // the prefix cache yet): timed on its own, on a restaurant outside the runs, and kept out of the mean.
  const cold: Record<string, number> = {};
  for (const [kind, run] of Object.entries(analyses)) cold[kind] = (await timed(() => run(WARM_UP))).s;
  // Tokens of each restaurant's first analysis only (a repeat finds its whole prompt cached).
  for (let i = 0; i < RUNS; i++) {
    const id = ids[i % ids.length]!;
    for (const [kind, run] of Object.entries(analyses)) {
      const { value, s } = await timed(() => run(id));
      latencies[kind]!.push(s);
      if (i < ids.length) used[kind]!.push(value.report!.usage!);
    }
  }
  const notes: Record<string, number> = { sentiment: 0.843, summary: 0.629, strengths: 0.614 };
  const latency = Object.entries(latencies).map(([kind, xs]) => {
    const u = used[kind]!;
    return {
      kind,
      mean_s: mean(xs),
      p95_s: p95(xs),
      design_notes_mean_s: notes[kind]!,
      cold_first_run_s: cold[kind]!,
      prompt_tokens: mean(u.map((x) => x.promptTokens)),
      computed_prompt_tokens: mean(u.map((x) => x.promptTokens - x.cachedPromptTokens)),
      output_tokens: mean(u.map((x) => x.outputTokens)),
      // In run order (restaurant i % 10): where the tail comes from (one restaurant, a busy moment).
      runs_s: xs,
    };
  });

  // 2. Ten restaurants in one SummarizeBatch.
  const batch = await timed(async () => {
    const arrivals: number[] = [];
    const t0 = performance.now();
    for await (const item of summ.summarizeBatch({ restaurantIds: ids, options: { ...forced(), priority: common.Priority.PRIORITY_BATCH }, aspects: [] })) {
      if (item.report?.status !== common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED) throw new Error(`${item.restaurantId}: ${item.report?.error}`);
      arrivals.push((performance.now() - t0) / 1000);
    }
    return arrivals;
  });

  // 3. Prompt tokens with TOP-K (20) versus all reviews.
  const tokens = [];
  for (const n of [50, 200, 1000]) {
    const { report } = await sent.analyzeRestaurant({ restaurantId: `size${n}`, options: forced() });
    const u = report!.usage!;
    const computed = u.promptTokens - u.cachedPromptTokens;
    const allComputed = u.allReviewsPromptTokens - u.allReviewsCachedPromptTokens;
    tokens.push({
      reviews: n,
      top_k_prompt_tokens: u.promptTokens,
      top_k_cached_prompt_tokens: u.cachedPromptTokens,
      all_reviews_prompt_tokens: u.allReviewsPromptTokens,
      all_reviews_cached_prompt_tokens: u.allReviewsCachedPromptTokens,
      saved_share: 1 - u.promptTokens / u.allReviewsPromptTokens,
      saved_computed_share: 1 - computed / allComputed,
    });
  }

  // 4. Sentiment of 10 restaurants x 50 reviews: one after another, in static waves of 5, all at once.
  const runOne = (id: string) => sent.analyzeRestaurant({ restaurantId: id, options: { ...forced(50), priority: common.Priority.PRIORITY_BATCH } });
  const sequential = await timed(async () => {
    for (const id of ids) await runOne(id);
  });
  const waves = await timed(async () => {
    for (let i = 0; i < ids.length; i += 5) await Promise.all(ids.slice(i, i + 5).map(runOne));
  });
  const together = await timed(async () => {
    for await (const _ of sent.analyzeRestaurants({ restaurantIds: ids, options: { ...forced(50), priority: common.Priority.PRIORITY_BATCH } }));
  });
  const experiment = { sequential_s: sequential.s, static_waves_of_5_s: waves.s, all_at_once_s: together.s, speedup_vs_sequential: sequential.s / together.s };

  sCh.close();
  mCh.close();
  const load = { before: loadBefore, after: loadavg() };
  const results = { time_scale: Number(TIME_SCALE), profile: PROFILE, sim_output: OUTPUT, runs: RUNS, load_average: load, latency, batch_summary: { restaurants: ids.length, total_s: batch.s, first_result_s: batch.value[0], goal_s: 5 }, tokens, experiment };
  const md = [
    `# Analyses benchmark (vllm-sim ${PROFILE}, time scale ${TIME_SCALE}, ${OUTPUT} answers, ${RUNS} runs each)`,
    "",
    `Load average (1 min) ${load.before[0]!.toFixed(1)} before, ${load.after[0]!.toFixed(1)} after (2 cores).`,
    "",
    "| analysis (K=20) | mean s | p95 s | first after start s | design notes mean s | prompt tokens | computed | output tokens |",
    "|---|---|---|---|---|---|---|---|",
    ...latency.map(
      (l) =>
        `| ${l.kind} | ${l.mean_s.toFixed(3)} | ${l.p95_s.toFixed(3)} | ${l.cold_first_run_s.toFixed(3)} | ${l.design_notes_mean_s} | ` +
        `${l.prompt_tokens.toFixed(0)} | ${l.computed_prompt_tokens.toFixed(0)} | ${l.output_tokens.toFixed(0)} |`,
    ),
    "",
    "Mean and p95 are of the runs after each analysis's first after start (cold: connections opened, its instructions not yet in the prefix cache), which is timed on its own on another restaurant (50 reviews).",
    "",
    `SummarizeBatch of ${ids.length} restaurants: ${batch.s.toFixed(2)} s (first result ${batch.value[0]?.toFixed(2)} s; design notes 83.05 s, goal < 5 s)`,
    "",
    "| reviews | TOP-K prompt tokens (cached) | all-reviews prompt tokens (cached) | saved | saved on computed |",
    "|---|---|---|---|---|",
    ...tokens.map(
      (t) =>
        `| ${t.reviews} | ${t.top_k_prompt_tokens} (${t.top_k_cached_prompt_tokens}) | ${t.all_reviews_prompt_tokens} (${t.all_reviews_cached_prompt_tokens}) | ` +
        `${(t.saved_share * 100).toFixed(1)}% | ${(t.saved_computed_share * 100).toFixed(1)}% |`,
    ),
    "",
    `Sentiment of 10 x 50 reviews: sequential ${sequential.s.toFixed(2)} s, static waves of 5 ${waves.s.toFixed(2)} s, all at once ${together.s.toFixed(2)} s (${experiment.speedup_vs_sequential.toFixed(1)}x)`,
  ].join("\n");
  const dir = `${repoRoot}bench-results/analyses`;
  await mkdir(dir, { recursive: true });
  const name = `${PROFILE}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  await writeFile(`${dir}/${name}.json`, JSON.stringify(results, null, 2));
  await writeFile(`${dir}/${name}.md`, md + "\n");
  await writeFile(`${dir}/${PROFILE}.md`, md + "\n");
  const figures = writeDocsFigures(`analyses-${PROFILE}`, invokedAs("bench-analyses", []), md);
  process.stdout.write(`${md}\n\nwritten: bench-results/analyses/${name}.json and .md (and ${PROFILE}.md), and ${figures}\n`);
} finally {
  await stack.stop();
}
