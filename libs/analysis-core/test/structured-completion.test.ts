import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { common } from "@reviewlens/contracts";
import { completeStructured, UsageLedger, type StructuredRequest } from "../src/index.js";
import { messagesOf, ScriptedGateway } from "./fakes.js";

const schema = {
  type: "object",
  properties: { label: { enum: ["positive", "negative"] } },
  required: ["label"],
  additionalProperties: false,
};
const request: StructuredRequest = {
  name: "test",
  messages: [
    { role: "system", content: "sys" },
    { role: "user", content: "review" },
  ],
  schema,
  maxTokens: 50,
  priority: common.Priority.PRIORITY_STANDARD,
  restaurantId: "r1",
  analysisType: "sentiment",
};

describe("completeStructured", () => {
  it("sends the schema as response_format with temperature 0 and attribution", async () => {
    const gateway = new ScriptedGateway(() => '{"label":"positive"}');
    const outcome = await completeStructured(gateway, request, new UsageLedger());
    assert.deepEqual(outcome, { ok: true, value: { label: "positive" }, attempts: 1 });
    const sent = gateway.requests[0]!.request!;
    assert.deepEqual(JSON.parse(sent.jsonSchema!.schemaJson), schema);
    assert.equal(sent.sampling?.temperature, 0);
    assert.equal(sent.restaurantId, "r1");
    assert.equal(sent.analysisType, "sentiment");
  });

  it("retries once with the validation error after the original prompt", async () => {
    const gateway = new ScriptedGateway((_, call) => (call === 1 ? '{"label":"great"}' : '{"label":"negative"}'));
    const ledger = new UsageLedger();
    const outcome = await completeStructured(gateway, request, ledger);
    assert.deepEqual(outcome, { ok: true, value: { label: "negative" }, attempts: 2 });
    const retry = messagesOf(gateway.requests[1]!);
    assert.deepEqual(retry.slice(0, 2), request.messages, "the retry keeps the original prompt as its prefix");
    assert.equal(retry[2]?.role, "assistant");
    assert.match(retry[3]!.content, /answer\/label must be equal to one of the allowed values/);
    assert.equal(ledger.snapshot().llmRequests, 2, "both attempts are accounted");
  });

  it("reports failure after the second malformed answer instead of guessing", async () => {
    const gateway = new ScriptedGateway(() => "{not json");
    const outcome = await completeStructured(gateway, request, new UsageLedger());
    assert.equal(outcome.ok, false);
    assert.equal(gateway.requests.length, 2);
    if (!outcome.ok) assert.match(outcome.error, /after a retry: not valid JSON/);
  });

  it("checks against a looser validation schema when given one", async () => {
    const gateway = new ScriptedGateway(() => '{"label":"mixed"}');
    const outcome = await completeStructured(gateway, { ...request, validationSchema: { type: "object" } }, new UsageLedger());
    assert.equal(outcome.ok, true);
  });
});
