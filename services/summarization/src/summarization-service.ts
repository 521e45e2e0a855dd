// gRPC handlers of SummarizationService: validate, run each restaurant through the runner, translate.
import { checkRestaurantId, checkRestaurantIds, DEFAULT_TOP_K, failedReport, resolveOptions, variantOf, type AnalysisRunner, type ResolvedOptions } from "@reviewlens/analysis-core";
import { summarization } from "@reviewlens/contracts";
import { inCompletionOrder, InvalidArgumentError } from "@reviewlens/runtime";
import { DEFAULT_ASPECTS, resolveAspects } from "./aspects.js";
import { DEFAULT_THRESHOLDS } from "./strengths/step-f-filter.js";
import { STRENGTH_ANALYSIS_TYPE } from "./strengths/step-b-extract-claims.js";
import { extractStrengths, type StrengthDeps } from "./strengths/strength-pipeline.js";
import { SUMMARY_ANALYSIS_TYPE, summarizeRestaurant, type SummaryDeps } from "./summary/summary-analysis.js";

export interface SummarizationDeps extends SummaryDeps, StrengthDeps {
  summaryMaxPromptTokens: number;
}

export const DEFAULT_MAX_STRENGTHS = 5;
const summaryCodec = { encode: (r: summarization.SummaryResult) => summarization.SummaryResult.toJSON(r), decode: (json: unknown) => summarization.SummaryResult.fromJSON(json) };
const strengthsCodec = { encode: (r: summarization.StrengthsResult) => summarization.StrengthsResult.toJSON(r), decode: (json: unknown) => summarization.StrengthsResult.fromJSON(json) };
const topKVariant = (topK: number) => (topK === DEFAULT_TOP_K ? undefined : topK);
const MAX_STRENGTHS = 20;

export function createSummarizationService(deps: SummarizationDeps, runner: AnalysisRunner): summarization.SummarizationServiceImplementation {
  const summaryDeps: SummaryDeps = { ...deps, maxPromptTokens: deps.summaryMaxPromptTokens };
  const summarize = (restaurantId: string, aspects: string[], options: ResolvedOptions, signal: AbortSignal) =>
    runner.run(
      {
        restaurantId,
        analysisType: SUMMARY_ANALYSIS_TYPE,
        force: options.force,
        variant: variantOf({ k: topKVariant(options.topK), aspects: aspects.join(",") === DEFAULT_ASPECTS.join(",") ? undefined : aspects.join(",") }),
      },
      (s) => summarizeRestaurant(summaryDeps, restaurantId, aspects, options, s),
      signal,
      summaryCodec,
    );

  return {
    async summarize(request, context) {
      const restaurantId = checkRestaurantId(request.restaurantId);
      const options = resolveOptions(request.options);
      return summarize(restaurantId, resolveAspects(request.aspects), options, context.signal);
    },

    async *summarizeBatch(request, context) {
      const ids = checkRestaurantIds(request.restaurantIds);
      const options = resolveOptions(request.options);
      const aspects = resolveAspects(request.aspects);
      const started = performance.now();
      // Every restaurant starts now, so all their prompts reach the gateway together.
      const tasks = ids.map((id) => ({ key: id, run: () => summarize(id, aspects, options, context.signal) }));
      for await (const settled of inCompletionOrder(tasks)) {
        yield settled.ok
          ? { restaurantId: settled.key, result: settled.value.result, report: settled.value.report }
          : { restaurantId: settled.key, result: undefined, report: failedReport(settled.error, performance.now() - started) };
      }
    },

    async extractStrengths(request, context) {
      const restaurantId = checkRestaurantId(request.restaurantId);
      const options = resolveOptions(request.options);
      const maxStrengths = request.maxStrengths || DEFAULT_MAX_STRENGTHS;
      if (maxStrengths > MAX_STRENGTHS) throw new InvalidArgumentError("max_strengths", `must be at most ${MAX_STRENGTHS}, got ${maxStrengths}`);
      // 0 (unset) means the default; NaN is no share at all and is refused below.
      const minSupport = request.minSupport === 0 ? DEFAULT_THRESHOLDS.minSupportShare : request.minSupport;
      if (!(minSupport > 0 && minSupport <= 1)) throw new InvalidArgumentError("min_support", `must be a share in (0, 1], got ${request.minSupport}`);
      return runner.run(
        {
          restaurantId,
          analysisType: STRENGTH_ANALYSIS_TYPE,
          force: options.force,
          variant: variantOf({
            k: topKVariant(options.topK),
            max: maxStrengths === DEFAULT_MAX_STRENGTHS ? undefined : maxStrengths,
            support: minSupport === DEFAULT_THRESHOLDS.minSupportShare ? undefined : minSupport,
          }),
        },
        (s) => extractStrengths(deps, { restaurantId, options, maxStrengths, thresholds: { ...DEFAULT_THRESHOLDS, minSupportShare: minSupport } }, s),
        context.signal,
        strengthsCodec,
      );
    },
  };
}
