// The inference gateway's RPCs: Generate, Complete, CompleteShared, Embed, GetStatus.
import { status as Status } from "@grpc/grpc-js";
import { common, inference } from "@reviewlens/contracts";
import fc from "fast-check";
import { anyDouble, anyEnum, anyString, anyUint32, hugeString } from "./fuzz-values.js";
import { rpcSpec, type Mutation, type RpcSpec } from "./rpc-spec.js";

type LlmRequest = inference.DeepPartial<inference.LlmRequest>;
const PRIORITIES = [common.Priority.PRIORITY_UNSPECIFIED, common.Priority.PRIORITY_INTERACTIVE, common.Priority.PRIORITY_STANDARD, common.Priority.PRIORITY_BATCH];
const ROLES = ["system", "user", "assistant"];
const SCHEMA = JSON.stringify({ type: "object", properties: { label: { type: "string", enum: ["positive", "negative"] } }, required: ["label"] });

const validPrompt = fc.oneof(
  fc.constantFrom("리뷰를 요약해 주세요.", "Say hello.", "국물 맛이 어때요?").map((value) => ({ $case: "text" as const, value })),
  fc
    .array(fc.record({ role: fc.constantFrom(...ROLES), content: fc.constantFrom("안녕하세요", "Summarise the reviews.", "") }), { minLength: 1, maxLength: 3 })
    .map((messages) => ({ $case: "chat" as const, value: { messages } })),
);

const validRequest: fc.Arbitrary<LlmRequest> = fc.record({
  prompt: validPrompt,
  sampling: fc.record({
    maxTokens: fc.integer({ min: 0, max: 6 }),
    temperature: fc.option(fc.double({ min: 0, max: 2, noNaN: true }), { nil: undefined }),
    topP: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: undefined }),
    seed: fc.option(fc.nat(), { nil: undefined }),
    stop: fc.array(fc.constantFrom("\n", "。", "END"), { maxLength: 3 }),
    minTokens: fc.constantFrom(0, 1),
    ignoreEos: fc.boolean(),
  }),
  jsonSchema: fc.option(fc.record({ name: fc.constantFrom("out", ""), schemaJson: fc.constant(SCHEMA), strict: fc.boolean() }), { nil: undefined }),
  priority: fc.constantFrom(...PRIORITIES),
  ttftDeadlineMs: fc.constantFrom(0, 60_000),
  idempotencyKey: fc.constantFrom("", "fuzz-key"),
  restaurantId: fc.constantFrom("", "r001"),
  analysisType: fc.constantFrom("", "fuzz"),
  model: fc.constant(""),
});

const boundaryRequest: fc.Arbitrary<LlmRequest> = fc.record(
  {
    prompt: fc.oneof(
      anyString().map((value) => ({ $case: "text" as const, value })),
      fc.array(fc.record({ role: anyString(), content: anyString() }), { maxLength: 4 }).map((messages) => ({ $case: "chat" as const, value: { messages } })),
    ),
    sampling: fc.record({ maxTokens: anyUint32, temperature: anyDouble, topP: anyDouble, seed: fc.nat(), stop: fc.array(anyString(), { maxLength: 10 }), minTokens: anyUint32, ignoreEos: fc.boolean() }, { requiredKeys: [] }),
    jsonSchema: fc.record({ name: anyString(), schemaJson: fc.oneof(anyString(), fc.constantFrom("{}", "[]", "null", '{"type":"nonsense"}')), strict: fc.boolean() }),
    priority: anyEnum(PRIORITIES),
    ttftDeadlineMs: anyUint32,
    idempotencyKey: anyString(),
    restaurantId: anyString(),
    analysisType: anyString(),
    model: anyString(),
  },
  { requiredKeys: [] },
);

/** A valid request with one field made bad, and the field the refusal must name. */
const llmMutation: fc.Arbitrary<{ request: LlmRequest | undefined; field: string }> = fc.tuple(validRequest, fc.nat()).map(([valid, pick]) => {
  const sampling = valid.sampling!;
  const cases: Array<[LlmRequest | undefined, string]> = [
    [undefined, "request"],
    [{ ...valid, prompt: undefined }, "request.prompt"],
    [{ ...valid, prompt: { $case: "text", value: "" } }, "request.text"],
    [{ ...valid, prompt: { $case: "text", value: hugeString(1024 * 1024, "a") } }, "request.text"],
    [{ ...valid, prompt: { $case: "chat", value: { messages: [] } } }, "request.messages"],
    [{ ...valid, prompt: { $case: "chat", value: { messages: [{ role: "wizard", content: "x" }] } } }, "request.messages[0].role"],
    [{ ...valid, sampling: { ...sampling, maxTokens: 32_769 } }, "request.sampling.max_tokens"],
    [{ ...valid, sampling: { ...sampling, temperature: Number.NaN } }, "request.sampling.temperature"],
    [{ ...valid, sampling: { ...sampling, temperature: -1 } }, "request.sampling.temperature"],
    [{ ...valid, sampling: { ...sampling, topP: 0 } }, "request.sampling.top_p"],
    [{ ...valid, sampling: { ...sampling, topP: Infinity } }, "request.sampling.top_p"],
    [{ ...valid, sampling: { ...sampling, maxTokens: 4, minTokens: 5 } }, "request.sampling.min_tokens"],
    [{ ...valid, sampling: { ...sampling, stop: Array.from({ length: 9 }, (_, i) => `s${i}`) } }, "request.sampling.stop"],
    [{ ...valid, jsonSchema: { name: "x", schemaJson: "{not json", strict: true } }, "request.json_schema.schema_json"],
    [{ ...valid, jsonSchema: { name: "x", schemaJson: "[1, 2]", strict: true } }, "request.json_schema.schema_json"],
    [{ ...valid, priority: 7 as common.Priority }, "request.priority"],
    [{ ...valid, model: hugeString(300, "m") }, "request.model"],
  ];
  const [request, field] = cases[pick % cases.length]!;
  return { request, field };
});

const generation = (method: "Generate" | "Complete"): RpcSpec<inference.DeepPartial<inference.CompleteRequest>> =>
  rpcSpec("gateway", inference.InferenceGatewayServiceDefinition, method === "Generate" ? "generate" : "complete", {
    valid: () => validRequest.map((request) => [{ request }]),
    boundary: () => fc.option(boundaryRequest, { nil: undefined }).map((request) => [{ request }]),
    mutations: () => llmMutation.map(({ request, field }): Mutation<inference.DeepPartial<inference.CompleteRequest>> => ({ messages: [{ request }], field })),
    // Honest overload (docs/architecture.md, the gateway's step 2): a ttft_deadline_ms the work ahead cannot meet.
    honestRefusals: [{ code: Status.RESOURCE_EXHAUSTED, details: /^the TTFT deadline of \d+ ms cannot be (met|promised)/ }],
  });

type SharedRequest = inference.DeepPartial<inference.CompleteSharedRequest>;
const validVariant = fc.record({
  jsonSchema: fc.option(fc.record({ name: fc.constantFrom("out", ""), schemaJson: fc.constant(SCHEMA), strict: fc.boolean() }), { nil: undefined }),
  maxTokens: fc.integer({ min: 0, max: 6 }),
  traceparent: fc.constantFrom("", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
});
const validVariants = fc.array(validVariant, { minLength: 1, maxLength: 4 });

/** A refused variant names itself; a bad shared field is named as Complete names it. */
const sharedMutation: fc.Arbitrary<Mutation<SharedRequest>> = fc.tuple(llmMutation, validRequest, validVariants, fc.nat()).map(([shared, valid, variants, pick]) => {
  const last = variants.length;
  const cases: Array<[SharedRequest, string]> = [
    [{ request: shared.request, variants: variants.map((v) => ({ ...v, jsonSchema: undefined, maxTokens: 0 })) }, shared.field],
    [{ request: valid, variants: [] }, "variants"],
    [{ request: valid, variants: Array.from({ length: 257 }, () => ({})) }, "variants"],
    [{ request: valid, variants: [...variants, { jsonSchema: { name: "x", schemaJson: "{not json", strict: true } }] }, `variants[${last}].json_schema.schema_json`],
    [{ request: valid, variants: [...variants, { maxTokens: 32_769 }] }, `variants[${last}].max_tokens`],
  ];
  const [message, field] = cases[pick % cases.length]!;
  return { messages: [message], field };
});

const completeShared: RpcSpec<SharedRequest> = rpcSpec("gateway", inference.InferenceGatewayServiceDefinition, "completeShared", {
  valid: () => fc.tuple(validRequest, validVariants).map(([request, variants]) => [{ request, variants }]),
  boundary: () =>
    fc
      .tuple(fc.option(boundaryRequest, { nil: undefined }), fc.array(fc.record({ maxTokens: anyUint32, traceparent: anyString(), jsonSchema: fc.record({ name: anyString(), schemaJson: anyString(), strict: fc.boolean() }) }, { requiredKeys: [] }), { maxLength: 5 }))
      .map(([request, variants]) => [{ request, variants }]),
  mutations: () => sharedMutation,
  // A variant's own refusal is an answer (its status as Complete would end); only a bug's INTERNAL is a problem.
  answerProblems: (answers) =>
    (answers as inference.CompleteSharedResponse[]).flatMap((a) => (a.outcome?.$case === "error" && a.outcome.value.code === Number(Status.INTERNAL) ? [`variant ${a.variant}: ${a.outcome.value.message}`] : [])),
});

const texts = fc.array(fc.constantFrom("맛있어요", "친절해요", "price was fair", "국물이 진해요"), { minLength: 1, maxLength: 8 });

export const gatewaySpecs: RpcSpec[] = [
  generation("Generate"),
  generation("Complete"),
  completeShared,
  rpcSpec("gateway", inference.InferenceGatewayServiceDefinition, "embed", {
    valid: () => fc.record({ texts, model: fc.constant(""), priority: fc.constantFrom(...PRIORITIES) }).map((m) => [m]),
    boundary: () => fc.record({ texts: fc.array(anyString(), { maxLength: 12 }), model: anyString(), priority: anyEnum(PRIORITIES) }, { requiredKeys: [] }).map((m) => [m]),
    mutations: () =>
      fc.tuple(texts, fc.nat()).map(([valid, pick]): Mutation<inference.DeepPartial<inference.EmbedRequest>> => {
        const cases: Array<[inference.DeepPartial<inference.EmbedRequest>, string]> = [
          [{ texts: [] }, "texts"],
          [{ texts: Array.from({ length: 2_049 }, () => "x") }, "texts"],
          [{ texts: [...valid, ""] }, `texts[${valid.length}]`],
          [{ texts: [hugeString(1024 * 1024, "a")] }, "texts[0]"],
          [{ texts: valid, priority: 42 as common.Priority }, "priority"],
          [{ texts: valid, model: hugeString(300, "m") }, "model"],
          // Under the character limit, beyond the model's context: refused before the backend.
          [{ texts: [...valid, hugeString(300_000, "가")] }, `texts[${valid.length}]`],
        ];
        const [message, field] = cases[pick % cases.length]!;
        return { messages: [message], field };
      }),
  }),
  rpcSpec("gateway", inference.InferenceGatewayServiceDefinition, "getStatus", {
    valid: () => fc.constant([{}]),
    // No fields to get wrong: unknown fields are what raw frames send it.
    boundary: () => fc.constant([{}]),
  }),
];
