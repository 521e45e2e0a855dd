import assert from "node:assert/strict";
import { test } from "node:test";
import { inference } from "@reviewlens/contracts";
import { Metadata } from "nice-grpc-common";
import { withGatewayTenant } from "./gateway-tenant.js";

test("complete and embed calls carry the service's tenant, keeping the caller's other options", async () => {
  const seen: Array<{ tenant: string | undefined; trace: string | undefined; signal: boolean }> = [];
  const record = (options?: { signal?: AbortSignal; metadata?: Metadata }) =>
    seen.push({ tenant: options?.metadata?.get("x-tenant"), trace: options?.metadata?.get("x-trace"), signal: options?.signal !== undefined });
  const client = {
    complete: async (_r: inference.CompleteRequest, options?: { signal?: AbortSignal; metadata?: Metadata }) => (record(options), inference.CompleteResponse.fromPartial({})),
    embed: async (_r: inference.EmbedRequest, options?: { signal?: AbortSignal; metadata?: Metadata }) => (record(options), inference.EmbedResponse.fromPartial({})),
    getStatus: () => "own method",
  };
  const named = withGatewayTenant(client, "sentiment");
  await named.complete(inference.CompleteRequest.fromPartial({}), { signal: new AbortController().signal });
  await named.embed(inference.EmbedRequest.fromPartial({}), { metadata: Metadata({ "x-trace": "t1" }) });
  assert.deepEqual(seen, [
    { tenant: "sentiment", trace: undefined, signal: true },
    { tenant: "sentiment", trace: "t1", signal: false },
  ]);
  assert.equal(named.getStatus(), "own method");
});
