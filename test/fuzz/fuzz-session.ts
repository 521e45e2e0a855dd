// One fuzz session: start the stack, run every RPC's properties, the fixed checks and the facade,
// stop the stack; returns the counts and failures. Shared by the seeded run in `make test` and the
// long run of `make fuzz`.
import { analysisSpecs } from "./analysis-specs.js";
import { fuzzFacade } from "./facade-fuzz.js";
import { duplicateIdsInOneRequest, runFixedChecks } from "./fixed-checks.js";
import type { FuzzSummary } from "./fuzz-counts.js";
import { createRecorder, runSpecs, type RunsPerCategory } from "./fuzz-runner.js";
import { startFuzzStack } from "./fuzz-stack.js";
import { gatewaySpecs } from "./gateway-specs.js";
import { vectorSearchSpecs } from "./vector-search-specs.js";

export const ALL_SPECS = [...gatewaySpecs, ...vectorSearchSpecs, ...analysisSpecs];

export interface SessionOptions {
  seed: number;
  runs: RunsPerCategory;
  /** Share of the valid runs for RPCs that run whole analyses (they cost LLM calls). */
  analysisShare: number;
  /** Only the RPCs (and facade endpoints) whose name matches, e.g. /Embed/ to replay a failure. */
  only?: RegExp;
  /** Where to write every process's log when the run found failures. */
  logsDir?: string;
  log?: (line: string) => void;
}

export async function runFuzzSession(options: SessionOptions): Promise<FuzzSummary> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const stack = await startFuzzStack(options.seed);
  const recorder = createRecorder();
  try {
    log("stack up");
    const ctx = { restaurants: stack.restaurants, reviewIds: stack.reviews.filter((r) => stack.restaurants.includes(r.restaurant_id)).map((r) => r.review_id) };
    const selected = (name: string) => !options.only || options.only.test(name);
    const specs = ALL_SPECS.filter((s) => selected(s.rpc));
    await runSpecs(stack, recorder, specs, ctx, { seed: options.seed, runs: options.runs, analysisShare: options.analysisShare, log });
    await runFixedChecks(stack, recorder, specs);
    log("oversize and context checks done");
    if (selected("VectorSearchService/UploadReviews")) await duplicateIdsInOneRequest(stack, recorder);
    if (selected("facade")) {
      await fuzzFacade(stack, recorder, options.runs, options.seed);
      log("facade done");
    }
    const problems = await stack.problems();
    if (problems.length > 0) recorder.fail("stack", "valid", "at the end of the run", problems);
  } catch (error) {
    recorder.fail("fuzz session", "valid", "", [String(error instanceof Error ? error.stack : error)]);
  } finally {
    await stack.stop(recorder.failures.length > 0 ? options.logsDir : undefined);
  }
  return { seed: options.seed, runs: { ...options.runs }, durationSeconds: (performance.now() - started) / 1_000, counts: recorder.counts, failures: recorder.failures };
}
