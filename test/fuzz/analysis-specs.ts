// The analysis services' RPCs: sentiment AnalyzeRestaurant(s), summarization Summarize,
// SummarizeBatch and ExtractStrengths.
import { common, sentiment, summarization } from "@reviewlens/contracts";
import fc from "fast-check";
import { anyDouble, anyEnum, anyString, anyUint32, hugeString, wellFormedId } from "./fuzz-values.js";
import { rpcSpec, type FuzzContext, type Mutation, type RpcSpec } from "./rpc-spec.js";

type Options = common.DeepPartial<common.AnalysisOptions>;
const PRIORITIES = [0, 1, 2, 3];

const validOptions: fc.Arbitrary<Options> = fc.record({ topK: fc.integer({ min: 0, max: 10 }), force: fc.boolean(), priority: fc.constantFrom(...PRIORITIES) });
const boundaryOptions: fc.Arbitrary<Options> = fc.record({ topK: anyUint32, force: fc.boolean(), priority: anyEnum(PRIORITIES) }, { requiredKeys: [] });
/** Restaurants with reviews, and well-formed IDs of none (NOT_FOUND). */
const someRestaurant = (ctx: FuzzContext) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ctx.restaurants) }, { weight: 1, arbitrary: wellFormedId.map((id) => `fz-${id}`) });
const validAspects = fc.oneof(fc.constant([] as string[]), fc.subarray(["taste", "service", "parking", "noise_level"], { minLength: 1 }));

/** A report inside an accepted streamed answer must not hide an INTERNAL or UNKNOWN failure. */
function reportProblems(answers: unknown[]): string[] {
  return (answers as Array<{ restaurantId: string; report?: common.AnalysisReport }>)
    .filter((a) => /^(INTERNAL|UNKNOWN)\b/.test(a.report?.error ?? ""))
    .map((a) => `${a.restaurantId}: ${a.report!.error}`);
}

/** The cases every analysis RPC shares: a bad restaurant ID, a missing restaurant, bad options. */
function idAndOptionCases<M>(restaurantId: string, make: (restaurantId: string, options?: Options) => M, idField: string): Array<[M, string, ("INVALID_ARGUMENT" | "NOT_FOUND")?]> {
  return [
    [make(""), idField],
    [make("bad id!"), idField],
    [make(hugeString(200, "r")), idField],
    [make(hugeString(1024 * 1024, "가")), idField],
    [make("fz-no-such-restaurant"), idField, "NOT_FOUND"],
    [make(restaurantId, { topK: 201 }), "options.top_k"],
    [make(restaurantId, { priority: 9 as common.Priority }), "options.priority"],
    [make(restaurantId, { priority: -1 as common.Priority }), "options.priority"],
  ];
}

const pick = <M>(cases: Array<[M, string, ("INVALID_ARGUMENT" | "NOT_FOUND")?]>, n: number): Mutation<M> => {
  const [message, field, code] = cases[n % cases.length]!;
  return { messages: [message], field, ...(code ? { code } : {}) };
};

const batchIdCases = <M>(ctx: FuzzContext, make: (ids: string[], options?: Options) => M): Array<[M, string, ("INVALID_ARGUMENT" | "NOT_FOUND")?]> => {
  const [first] = ctx.restaurants as [string];
  return [
    [make([]), "restaurant_ids"],
    [make(Array.from({ length: 201 }, (_, i) => `r${i}`)), "restaurant_ids"],
    [make([first, first]), "restaurant_ids[1]"],
    [make([first, "bad id!"]), "restaurant_ids[1]"],
    [make([first], { topK: 201 }), "options.top_k"],
    [make([first], { priority: 5 as common.Priority }), "options.priority"],
  ];
};

export const analysisSpecs: RpcSpec[] = [
  rpcSpec("sentiment", sentiment.SentimentServiceDefinition, "analyzeRestaurant", {
    valid: (ctx) => fc.record({ restaurantId: someRestaurant(ctx), options: validOptions }).map((m) => [m]),
    boundary: () => fc.record({ restaurantId: anyString(true), options: boundaryOptions }, { requiredKeys: [] }).map((m) => [m]),
    mutations: (ctx) =>
      fc.tuple(fc.constantFrom(...ctx.restaurants), fc.nat()).map(([id, n]) =>
        pick(idAndOptionCases(id, (restaurantId, options): sentiment.DeepPartial<sentiment.AnalyzeRestaurantRequest> => ({ restaurantId, ...(options ? { options } : {}) }), "restaurant_id"), n),
      ),
  }),
  rpcSpec("sentiment", sentiment.SentimentServiceDefinition, "analyzeRestaurants", {
    valid: (ctx) => fc.record({ restaurantIds: fc.uniqueArray(someRestaurant(ctx), { minLength: 1, maxLength: 3 }), options: validOptions }).map((m) => [m]),
    boundary: () => fc.record({ restaurantIds: fc.array(anyString(), { maxLength: 4 }), options: boundaryOptions }, { requiredKeys: [] }).map((m) => [m]),
    mutations: (ctx) => fc.nat().map((n) => pick(batchIdCases(ctx, (restaurantIds, options): sentiment.DeepPartial<sentiment.AnalyzeRestaurantsRequest> => ({ restaurantIds, ...(options ? { options } : {}) })), n)),
    answerProblems: reportProblems,
  }),
  rpcSpec("summarization", summarization.SummarizationServiceDefinition, "summarize", {
    valid: (ctx) => fc.record({ restaurantId: someRestaurant(ctx), options: validOptions, aspects: validAspects }).map((m) => [m]),
    boundary: () => fc.record({ restaurantId: anyString(true), options: boundaryOptions, aspects: fc.array(anyString(), { maxLength: 18 }) }, { requiredKeys: [] }).map((m) => [m]),
    mutations: (ctx) =>
      fc.tuple(fc.constantFrom(...ctx.restaurants), fc.nat()).map(([id, n]) => {
        const make = (restaurantId: string, options?: Options, aspects: string[] = []): summarization.DeepPartial<summarization.SummarizeRequest> => ({ restaurantId, aspects, ...(options ? { options } : {}) });
        return pick(
          [
            ...idAndOptionCases(id, (r, o) => make(r, o), "restaurant_id"),
            [make(id, undefined, ["Taste"]), "aspects[0]"],
            [make(id, undefined, ["taste", "taste"]), "aspects[1]"],
            [make(id, undefined, Array.from({ length: 17 }, (_, i) => `a${i}`)), "aspects"],
          ],
          n,
        );
      }),
  }),
  rpcSpec("summarization", summarization.SummarizationServiceDefinition, "summarizeBatch", {
    valid: (ctx) => fc.record({ restaurantIds: fc.uniqueArray(someRestaurant(ctx), { minLength: 1, maxLength: 3 }), options: validOptions, aspects: validAspects }).map((m) => [m]),
    boundary: () => fc.record({ restaurantIds: fc.array(anyString(), { maxLength: 4 }), options: boundaryOptions, aspects: fc.array(anyString(), { maxLength: 4 }) }, { requiredKeys: [] }).map((m) => [m]),
    mutations: (ctx) =>
      fc.nat().map((n) => {
        const [first] = ctx.restaurants as [string];
        return pick<summarization.DeepPartial<summarization.SummarizeBatchRequest>>(
          [...batchIdCases(ctx, (restaurantIds, options) => ({ restaurantIds, aspects: [], ...(options ? { options } : {}) })), [{ restaurantIds: [first], aspects: ["no spaces allowed"] }, "aspects[0]"]],
          n,
        );
      }),
    answerProblems: reportProblems,
  }),
  rpcSpec("summarization", summarization.SummarizationServiceDefinition, "extractStrengths", {
    valid: (ctx) => fc.record({ restaurantId: someRestaurant(ctx), options: validOptions, maxStrengths: fc.integer({ min: 0, max: 20 }), minSupport: fc.constantFrom(0, 0.1, 0.5, 1) }).map((m) => [m]),
    boundary: () => fc.record({ restaurantId: anyString(true), options: boundaryOptions, maxStrengths: anyUint32, minSupport: anyDouble }, { requiredKeys: [] }).map((m) => [m]),
    mutations: (ctx) =>
      fc.tuple(fc.constantFrom(...ctx.restaurants), fc.nat()).map(([id, n]) => {
        const make = (restaurantId: string, options?: Options, extra: Partial<summarization.ExtractStrengthsRequest> = {}): summarization.DeepPartial<summarization.ExtractStrengthsRequest> => ({ restaurantId, ...(options ? { options } : {}), ...extra });
        return pick(
          [
            ...idAndOptionCases(id, (r, o) => make(r, o), "restaurant_id"),
            [make(id, undefined, { maxStrengths: 21 }), "max_strengths"],
            [make(id, undefined, { minSupport: Number.NaN }), "min_support"],
            [make(id, undefined, { minSupport: -0.5 }), "min_support"],
            [make(id, undefined, { minSupport: 1.5 }), "min_support"],
          ],
          n,
        );
      }),
  }),
];
