// The optional gRPC API key against real servers on loopback: a server started with a key refuses
// calls without it (UNAUTHENTICATED, a message saying what to send), while health checks and
// reflection stay open; a client created with the key gets through; a server without a key is open.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { inference } from "@reviewlens/contracts";
import { GrpcReflection } from "grpc-js-reflection-client";
import { ClientError, createChannel, createClient, Metadata, Status, type Channel } from "nice-grpc";
import { HealthDefinition } from "nice-grpc-server-health";
import { createServiceClient } from "../src/index.js";
import { startInProcessServer } from "./in-process-server.js";

const KEY = "grpc-key-7f3a9c";

const startServer = (apiKey: string | undefined) => startInProcessServer(apiKey ? { apiKey } : {});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => assert.fail("the call was accepted"),
    (error: unknown) => {
      assert.ok(error instanceof ClientError, String(error));
      return error;
    },
  );

describe("gRPC API key", () => {
  let secured: Awaited<ReturnType<typeof startServer>>;
  let open: Awaited<ReturnType<typeof startServer>>;
  const channels: Channel[] = [];
  const plainClient = (address: string) => {
    const channel = createChannel(address);
    channels.push(channel);
    return createClient(inference.InferenceGatewayServiceDefinition, channel);
  };
  before(async () => {
    secured = await startServer(KEY);
    open = await startServer(undefined);
  });
  after(async () => {
    for (const c of channels) c.close();
    await secured?.server.drain(1_000);
    await open?.server.drain(1_000);
  });

  it("lets a client created with the key through, on unary and streaming calls", async () => {
    const { client, channel } = createServiceClient(inference.InferenceGatewayServiceDefinition, secured.address, { apiKey: KEY });
    channels.push(channel);
    assert.equal((await client.getStatus({})).requestsCompleted, 7);
    const deltas: string[] = [];
    for await (const m of client.generate({})) deltas.push(m.textDelta);
    assert.deepEqual(deltas, ["streamed"]);
  });

  it("refuses a call without a key with UNAUTHENTICATED saying what to send", async () => {
    const handled = secured.handled;
    const error = await refusal(plainClient(secured.address).complete({}));
    assert.equal(error.code, Status.UNAUTHENTICATED);
    assert.match(error.details, /authorization: Bearer <key>/);
    assert.equal(secured.handled, handled, "the handler never ran");
  });

  it("refuses a wrong, a shorter, a longer key and one without the Bearer scheme", async () => {
    const client = plainClient(secured.address);
    for (const authorization of ["Bearer wrong-key-000000", `Bearer ${KEY.slice(0, -1)}`, `Bearer ${KEY}0`, KEY]) {
      const error = await refusal(client.getStatus({}, { metadata: Metadata({ authorization }) }));
      assert.equal(error.code, Status.UNAUTHENTICATED, authorization);
      assert.match(error.details, /not valid/);
      assert.ok(!error.details.includes(KEY.slice(0, -1)), "the message never echoes a key");
    }
    const stream = refusal((async () => {
      for await (const m of client.generate({}, { metadata: Metadata({ authorization: "Bearer nope" }) })) void m;
    })());
    assert.equal((await stream).code, Status.UNAUTHENTICATED);
  });

  it("keeps health checks and reflection open to callers without a key", async () => {
    const channel = createChannel(secured.address);
    channels.push(channel);
    const health = await createClient(HealthDefinition, channel).check({ service: "" });
    assert.equal(health.status, 1, "SERVING");
    const reflection = new GrpcReflection(secured.address, grpc.credentials.createInsecure());
    assert.ok((await reflection.listServices()).includes("reviewlens.inference.v1.InferenceGatewayService"));
  });

  it("serves every caller when no key is configured (the default)", async () => {
    assert.equal((await plainClient(open.address).getStatus({})).requestsCompleted, 7);
  });

  it("takes a check of several keys: each is let in, anything else is UNAUTHENTICATED", async () => {
    const keys = new Set(["tenant-a-key-0123456789", "tenant-b-key-0123456789"]);
    const several = await startInProcessServer({ apiKey: (presented) => presented !== undefined && keys.has(presented) });
    try {
      const client = plainClient(several.address);
      for (const key of keys) assert.equal((await client.getStatus({}, { metadata: Metadata({ authorization: `Bearer ${key}` }) })).requestsCompleted, 7);
      const error = await refusal(client.getStatus({}, { metadata: Metadata({ authorization: `Bearer ${KEY}` }) }));
      assert.equal(error.code, Status.UNAUTHENTICATED);
      assert.equal(several.handled, 2, "only the two keyed calls were handled");
    } finally {
      await several.server.drain(1_000);
    }
  });
});
