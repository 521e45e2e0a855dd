// Requests over one prompt made together go as one CompleteShared call and each gets its own answer
// or error; anything else goes as Complete. A fake gateway client records the calls it gets.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inference } from "@reviewlens/contracts";
import { ClientError, Status } from "nice-grpc-common";
import { withSharedPromptRounds, type CompleteShared } from "../src/index.js";

type Messages = inference.ChatMessage[];

function request(messages: Messages, key: string, extra: Partial<inference.LlmRequest> = {}): inference.CompleteRequest {
  return {
    request: inference.LlmRequest.fromPartial({
      prompt: { $case: "chat", value: { messages } },
      sampling: { maxTokens: key.length },
      jsonSchema: { name: "answer", schemaJson: JSON.stringify({ required: [key] }), strict: true },
      ...extra,
    }),
  };
}

const keyOf = (schema: inference.JsonSchemaFormat | undefined) => (JSON.parse(schema!.schemaJson) as { required: string[] }).required[0]!;

/** Answers each request with its schema's key; `failing` keys fail with that status. */
class RecordingGateway {
  readonly calls: Array<{ method: "complete" | "completeShared"; keys: string[] }> = [];
  failing = new Map<string, Status>();
  sharedError: ClientError | undefined;

  async complete(req: inference.CompleteRequest, _options?: { signal?: AbortSignal | undefined }): Promise<inference.CompleteResponse> {
    const key = keyOf(req.request!.jsonSchema);
    this.calls.push({ method: "complete", keys: [key] });
    const status = this.failing.get(key);
    if (status !== undefined) throw new ClientError("/Complete", status, `${key} failed`);
    return inference.CompleteResponse.fromPartial({ text: key });
  }

  completeShared: CompleteShared = async function* (this: RecordingGateway, req: inference.CompleteSharedRequest) {
    const keys = req.variants.map((v) => keyOf(v.jsonSchema ?? req.request!.jsonSchema));
    this.calls.push({ method: "completeShared", keys });
    if (this.sharedError) throw this.sharedError;
    // Last variant first: answers come in the order they finish, not the order asked.
    for (let variant = keys.length - 1; variant >= 0; variant--) {
      const status = this.failing.get(keys[variant]!);
      yield status === undefined
        ? { variant, outcome: { $case: "response" as const, value: inference.CompleteResponse.fromPartial({ text: keys[variant]!, usage: { outputTokens: req.variants[variant]!.maxTokens } }) } }
        : { variant, outcome: { $case: "error" as const, value: { code: status, message: `${keys[variant]} failed` } } };
    }
  };
}

const settle = (p: Promise<inference.CompleteResponse>) => p.then((r) => r.text, (e: ClientError) => `error ${Status[e.code]}`);
const REVIEWS: Messages = [{ role: "user", content: "reviews" }];
/** Asks for `keys` over one prompt together; each request's answer text or its error's status. */
const round = (gateway: RecordingGateway, keys: string[]) => Promise.all(keys.map((k) => settle(gateway.complete(request(REVIEWS, k)))));

describe("shared prompt rounds", () => {
  it("sends requests over the same messages made together as one call, each answered with its own answer", async () => {
    const fake = new RecordingGateway();
    const gateway = withSharedPromptRounds(fake);
    const messages: Messages = [{ role: "user", content: "reviews" }];
    const answers = await Promise.all(["taste", "price", "service"].map((k) => gateway.complete(request(messages, k))));
    assert.deepEqual(answers.map((a) => a.text), ["taste", "price", "service"]);
    assert.deepEqual(answers.map((a) => a.usage?.outputTokens), [5, 5, 7], "each variant keeps its own max_tokens");
    assert.deepEqual(fake.calls, [{ method: "completeShared", keys: ["taste", "price", "service"] }]);
  });

  it("keeps apart requests over other messages, other settings or made later, and sends one alone as Complete", async () => {
    const fake = new RecordingGateway();
    const gateway = withSharedPromptRounds(fake);
    const one: Messages = [{ role: "user", content: "reviews" }];
    const another: Messages = [{ role: "user", content: "other reviews" }];
    await Promise.all([
      gateway.complete(request(one, "a")),
      gateway.complete(request(one, "b")),
      gateway.complete(request(another, "c")),
      gateway.complete(request(one, "d", { restaurantId: "other" })),
      gateway.complete(request(one, "e", { idempotencyKey: "k" })),
    ]);
    await gateway.complete(request(one, "f"));
    const byFirstKey = [...fake.calls].sort((x, y) => x.keys[0]!.localeCompare(y.keys[0]!));
    assert.deepEqual(byFirstKey, [
      { method: "completeShared", keys: ["a", "b"] },
      { method: "complete", keys: ["c"] },
      { method: "complete", keys: ["d"] },
      { method: "complete", keys: ["e"] },
      { method: "complete", keys: ["f"] },
    ]);
  });

  it("keeps apart requests with different cancellation signals", async () => {
    const fake = new RecordingGateway();
    const gateway = withSharedPromptRounds(fake);
    const messages: Messages = [{ role: "user", content: "reviews" }];
    const [first, second] = [new AbortController(), new AbortController()];
    await Promise.all([gateway.complete(request(messages, "a"), { signal: first.signal }), gateway.complete(request(messages, "b"), { signal: second.signal })]);
    assert.deepEqual(fake.calls.map((c) => c.method), ["complete", "complete"]);
  });

  it("fails only the request whose variant failed, with the status Complete would have ended with", async () => {
    const fake = new RecordingGateway();
    fake.failing.set("price", Status.RESOURCE_EXHAUSTED);
    const outcomes = await round(withSharedPromptRounds(fake), ["taste", "price", "service"]);
    assert.deepEqual(outcomes, ["taste", "error RESOURCE_EXHAUSTED", "service"]);
  });

  it("fails every request of a round whose call failed", async () => {
    const fake = new RecordingGateway();
    fake.sharedError = new ClientError("/CompleteShared", Status.UNAVAILABLE, "gateway down");
    const outcomes = await round(withSharedPromptRounds(fake), ["a", "b"]);
    assert.deepEqual(outcomes, ["error UNAVAILABLE", "error UNAVAILABLE"]);
    assert.equal(fake.calls.length, 1, "not sent again: the gateway may have run it");
  });

  it("falls back to Complete for good when the gateway does not know CompleteShared", async () => {
    const fake = new RecordingGateway();
    fake.sharedError = new ClientError("/CompleteShared", Status.UNIMPLEMENTED, "unknown method");
    const gateway = withSharedPromptRounds(fake);
    const first = await round(gateway, ["a", "b"]);
    const second = await round(gateway, ["c", "d"]);
    assert.deepEqual([...first, ...second], ["a", "b", "c", "d"]);
    assert.deepEqual(fake.calls.map((c) => c.method), ["completeShared", "complete", "complete", "complete", "complete"]);
  });

  it("leaves a client without CompleteShared as it is", async () => {
    const fake = { complete: async () => inference.CompleteResponse.fromPartial({ text: "plain" }) };
    assert.equal(withSharedPromptRounds(fake), fake);
  });
});
