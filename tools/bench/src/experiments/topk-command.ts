// `bench topk`: prompt tokens of the TOP-K representative reviews vs all reviews, per analysis,
// written to bench-results/topk/result.json and report.html.
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_TOP_K, MAX_TOP_K } from "@reviewlens/analysis-core";
import { barOption } from "../report/chart-options.js";
import type { ReportTable } from "../report/html-report.js";
import { DEFAULT_RESULTS_DIR, writeExperiment } from "./experiment-output.js";
import { invokedAs } from "../report/figure-file.js";
import { numberOption } from "./number-option.js";
import { renderTextTable } from "./text-table.js";
import { runTopkExperiment, TOPK_ANALYSES, type TopkRow } from "./topk-experiment.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function parseReviewCounts(raw: string): number[] {
  const counts = raw.split(",").map((s) => Number(s.trim()));
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError(`--reviews must be whole numbers >= 1, got "${raw}"`);
  return [...new Set(counts)].sort((a, b) => a - b);
}

function parseTopK(raw: string): number {
  const k = numberOption("--top-k", 1)(raw);
  if (!Number.isInteger(k) || k > MAX_TOP_K) throw new InvalidArgumentError(`--top-k must be a whole number from 1 to ${MAX_TOP_K} (the analyses' limit), got "${raw}"`);
  return k;
}

function tokenTable(rows: TopkRow[], topK: number): ReportTable {
  return {
    columns: ["analysis", "reviews", `reviews sent (TOP-${topK})`, "prompts", `prompt tokens TOP-${topK}`, "prompt tokens all reviews", "saved", "prefill TOP-K (ms)", "prefill all (ms)"],
    rows: rows.map((r) => [r.analysis, r.reviews, r.reviewsSent, r.prompts, r.topKPromptTokens, r.allReviewsPromptTokens, pct(r.savedShare), Math.round(r.topKPrefillMs), Math.round(r.allReviewsPrefillMs)]),
  };
}

export function topkCommand(out: (s: string) => void): Command {
  return new Command("topk")
    .description("prompt tokens of the TOP-K representative reviews vs all reviews, per analysis (exact Qwen2.5 tokens, no model)")
    .option("--reviews <list>", "reviews of each restaurant (one restaurant per size)", parseReviewCounts, [50, 200, 1000])
    .option("--top-k <k>", "representative reviews per analysis", parseTopK, DEFAULT_TOP_K)
    .option("--seed <n>", "seed of the demo reviews", numberOption("--seed"), 42)
    .option("--results-dir <dir>", "where to write", DEFAULT_RESULTS_DIR)
    .action(async (o: { reviews: number[]; topK: number; seed: number; resultsDir: string }) => {
      const run = await runTopkExperiment({ reviewCounts: o.reviews, topK: o.topK, seed: o.seed, log: (s) => process.stderr.write(`${s}\n`) });
      const largest = o.reviews.at(-1)!;
      const headline = run.rows
        .filter((r) => r.reviews === largest)
        .map((r) => `${r.analysis}, ${r.reviews} reviews: ${r.topKPromptTokens} prompt tokens with TOP-${o.topK} instead of ${r.allReviewsPromptTokens} with all reviews (${pct(r.savedShare)} saved, ${Math.round(r.topKPrefillMs)} ms instead of ${Math.round(r.allReviewsPrefillMs)} ms of prefill on ${run.profile})`);
      const table = tokenTable(run.rows, o.topK);
      const categories = o.reviews.map((n) => `${n} reviews`);
      const of = (analysis: string, pick: (r: TopkRow) => number) => run.rows.filter((r) => r.analysis === analysis).map(pick);
      const command = `node --import tsx tools/bench/src/main.ts ${process.argv.slice(2).join(" ")}`;
      const files = await writeExperiment(
        o.resultsDir,
        "topk",
        { experiment: "topk", options: o, budgets: run.budgets, profile: run.profile, headline, rows: run.rows },
        {
          title: `Prompt tokens: TOP-${o.topK} representative reviews vs all reviews`,
          summary: [
            ...headline,
            "Exact Qwen2.5 tokens of the prompts the analyses build (chat template included). The TOP-K come from vector-search's own selection (nearest the restaurant's representative vector, hashing embedder, in-process); the all-reviews figure is the one each analysis reports as usage.all_reviews_prompt_tokens (every review packed with the same budget). No model runs.",
          ],
          sections: [
            {
              heading: "Prompt tokens per analysis",
              table,
              commands: ["make bench-topk", command],
              paragraphs: [
                `Prompt budgets (tokens): ${Object.entries(run.budgets).map(([k, v]) => `${k} ${v}`).join(", ")}. Demo reviews, seed ${o.seed}; the smaller restaurants' reviews are the first ones of the larger.`,
                "Each prompt is sent once per answer (one answer per review for sentiment and strengths' claims, two per key for the summary: a text and an evidence answer for overall and each aspect), so prompts and tokens count every copy; the summary's prompt holds the TOP-K that fit its budget, its all-reviews figure packs every review into as many prompts as needed.",
                "strengths counts step B (claim extraction), the only step whose prompts carry reviews; its TOP-K are the positive ones (rating 4-5) and may be fewer than K. The counting gateway answers with no claims, so the later steps send nothing.",
                `Prefill: the ${run.profile} profile's per-token prefill time of those tokens (per-step and attention terms left out), every copy counted: an upper bound, since vLLM's prefix cache computes a prompt's copies once (make bench-analyses reports the computed tokens).`,
              ],
            },
            {
              heading: "Charts",
              charts: [
                ...TOPK_ANALYSES.map((a) => ({ title: `${a}: prompt tokens`, option: barOption(categories, { [`TOP-${o.topK}`]: of(a, (r) => r.topKPromptTokens), "all reviews": of(a, (r) => r.allReviewsPromptTokens) }, "tokens") })),
                { title: "Share of prompt tokens saved by TOP-K", option: barOption(categories, Object.fromEntries(TOPK_ANALYSES.map((a) => [a, of(a, (r) => Number((r.savedShare * 100).toFixed(1)))])), "%") },
              ],
            },
          ],
        },
        { command: invokedAs("bench-topk", process.argv.slice(3)) },
      );
      out(renderTextTable(table.columns, table.rows));
      for (const h of headline) out(h);
      out(`Wrote ${files.json}, ${files.html} and ${files.figures}`);
    });
}
