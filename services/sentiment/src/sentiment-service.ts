// gRPC handlers of SentimentService: validate, run each restaurant through the runner, translate.
import { checkRestaurantId, checkRestaurantIds, DEFAULT_TOP_K, failedReport, resolveOptions, variantOf, type AnalysisRunner } from "@reviewlens/analysis-core";
import { sentiment } from "@reviewlens/contracts";
import { inCompletionOrder } from "@reviewlens/runtime";
import { analyzeSentiment, type SentimentDeps } from "./sentiment-analysis.js";

export const ANALYSIS_TYPE = "sentiment";

const resultCodec = { encode: (r: sentiment.SentimentResult) => sentiment.SentimentResult.toJSON(r), decode: (json: unknown) => sentiment.SentimentResult.fromJSON(json) };

export function createSentimentService(deps: SentimentDeps, runner: AnalysisRunner): sentiment.SentimentServiceImplementation {
  const run = (restaurantId: string, options: ReturnType<typeof resolveOptions>, signal: AbortSignal) =>
    runner.run(
      { restaurantId, analysisType: ANALYSIS_TYPE, force: options.force, variant: variantOf({ k: options.topK === DEFAULT_TOP_K ? undefined : options.topK }) },
      (s) => analyzeSentiment(deps, restaurantId, options, s),
      signal,
      resultCodec,
    );

  return {
    async analyzeRestaurant(request, context) {
      const restaurantId = checkRestaurantId(request.restaurantId);
      const options = resolveOptions(request.options);
      return run(restaurantId, options, context.signal);
    },

    async *analyzeRestaurants(request, context) {
      const ids = checkRestaurantIds(request.restaurantIds);
      const options = resolveOptions(request.options);
      const started = performance.now();
      // Every restaurant starts now, so all their batches reach the gateway together.
      const tasks = ids.map((id) => ({ key: id, run: () => run(id, options, context.signal) }));
      for await (const settled of inCompletionOrder(tasks)) {
        yield settled.ok
          ? { restaurantId: settled.key, result: settled.value.result, report: settled.value.report }
          : { restaurantId: settled.key, result: undefined, report: failedReport(settled.error, performance.now() - started) };
      }
    },
  };
}
