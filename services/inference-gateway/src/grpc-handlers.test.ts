// A CompleteShared variant becomes the request Complete would have got: the shared fields, with the
// variant's own schema and length where it sets them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { inference } from "@reviewlens/contracts";
import { toSharedLlmRequests } from "./grpc-handlers.js";

const limits = { maxPromptChars: 100_000, maxOutputTokens: 32_768, maxEmbedTexts: 2_048 };
const schema = (key: string) => ({ name: key, schemaJson: JSON.stringify({ type: "object", required: [key] }), strict: true });
const prompt = { $case: "chat" as const, value: { messages: [{ role: "user", content: "reviews" }] } };

test("each variant has its own schema and max_tokens, and the shared ones where it sets none", () => {
  const shared = inference.LlmRequest.fromPartial({ prompt, jsonSchema: schema("shared"), sampling: { maxTokens: 40, temperature: 0 }, restaurantId: "r001" });
  const [own, inherited] = toSharedLlmRequests({ request: shared, variants: [{ jsonSchema: schema("taste"), maxTokens: 12, traceparent: "" }, { maxTokens: 0, traceparent: "" }] }, limits, "tenant");
  assert.deepEqual([own!.sampling.maxTokens, own!.jsonSchema?.name], [12, "taste"]);
  assert.deepEqual([inherited!.sampling.maxTokens, inherited!.jsonSchema?.name], [40, "shared"]);
  assert.deepEqual([own!.sampling.temperature, own!.restaurantId, own!.tenant], [0, "r001", "tenant"]);
});

test("a variant's max_tokens holds when the shared request sends no sampling", () => {
  const shared = inference.LlmRequest.fromPartial({ prompt });
  const [variant] = toSharedLlmRequests({ request: shared, variants: [{ maxTokens: 12, traceparent: "" }] }, limits);
  assert.equal(variant!.sampling.maxTokens, 12);
});
