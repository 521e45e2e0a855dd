// Prometheus metrics of analyses (through the service's OpenTelemetry meter): how long each took,
// how it ended and what it cost in tokens, including what all reviews would have cost.
import type { Meter } from "@opentelemetry/api";
import { common } from "@reviewlens/contracts";
import type { AnalysisRunner } from "./analysis-runner.js";

const STATUS = {
  [common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED]: "completed",
  [common.AnalysisStatus.ANALYSIS_STATUS_SKIPPED]: "skipped",
  [common.AnalysisStatus.ANALYSIS_STATUS_FAILED]: "failed",
} as Record<number, string>;

/** Wraps a runner so every analysis it runs is measured, failures included. */
export function instrumentRunner(inner: AnalysisRunner, meter: Meter): AnalysisRunner {
  const duration = meter.createHistogram("analysis_duration_seconds", {
    description: "Wall time of one restaurant's analysis, by type and outcome",
    unit: "s",
    advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120] },
  });
  const tokens = meter.createCounter("analysis_tokens", {
    description: "Tokens of analyses: prompt and output sent, of the prompt those the prefix cache served (kind=cached_prompt), and the prompt tokens all reviews would have cost (kind=all_reviews_prompt)",
  });
  const warnings = meter.createCounter("analysis_warnings", { description: "Warnings of analyses (removed citations, unlabelled or cut reviews)" });
  return {
    async run(key, execute, signal, codec) {
      const started = performance.now();
      const labels = { analysis_type: key.analysisType };
      try {
        const outcome = await inner.run(key, execute, signal, codec);
        const status = STATUS[outcome.report.status] ?? "completed";
        duration.record((performance.now() - started) / 1000, { ...labels, status });
        if (outcome.report.status === common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED) {
          const usage = outcome.report.usage;
          tokens.add(usage?.promptTokens ?? 0, { ...labels, kind: "prompt" });
          tokens.add(usage?.cachedPromptTokens ?? 0, { ...labels, kind: "cached_prompt" });
          tokens.add(usage?.outputTokens ?? 0, { ...labels, kind: "output" });
          tokens.add(usage?.allReviewsPromptTokens ?? 0, { ...labels, kind: "all_reviews_prompt" });
          warnings.add(outcome.report.warnings.length, labels);
        }
        return outcome;
      } catch (error) {
        duration.record((performance.now() - started) / 1000, { ...labels, status: "failed" });
        throw error;
      }
    },
  };
}
