// Request bytes that are not a valid protobuf message, sent as they are over real gRPC: the server
// answers INVALID_ARGUMENT naming the request (grpc-js alone says INTERNAL), runs no handler, and
// keeps serving. Unary, server-streaming, and the streamed requests of reflection alike.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { inference } from "@reviewlens/contracts";
import { RawGrpcClient } from "@reviewlens/testkit";
import { startInProcessServer, type InProcessServer } from "./in-process-server.js";

const COMPLETE = "/reviewlens.inference.v1.InferenceGatewayService/Complete";
const GENERATE = "/reviewlens.inference.v1.InferenceGatewayService/Generate";
const REFLECTION = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
const unary = { requestStream: false, responseStream: false };

// Field 1 (length-delimited) claiming 16 bytes with one present; a field with wire type 7 (none exists).
const TRUNCATED = Buffer.from([0x0a, 0x10, 0x41]);
const BAD_WIRE_TYPE = Buffer.from([0x0f, 0x01]);

describe("malformed request messages", () => {
  let server: InProcessServer;
  let raw: RawGrpcClient;
  before(async () => {
    server = await startInProcessServer();
    raw = new RawGrpcClient(server.address);
  });
  after(async () => {
    raw?.close();
    await server?.server.drain(1_000);
  });

  for (const [name, bytes] of Object.entries({ "a truncated field": TRUNCATED, "an unknown wire type": BAD_WIRE_TYPE })) {
    it(`answers ${name} with INVALID_ARGUMENT naming the request, on unary and streaming methods`, async () => {
      const handled = server.handled;
      for (const [path, kind] of [[COMPLETE, unary], [GENERATE, { requestStream: false, responseStream: true }]] as const) {
        const result = await raw.sendRaw(path, [bytes], kind);
        assert.equal(result.code, grpc.status.INVALID_ARGUMENT, `${path}: ${grpc.status[result.code]} ${result.details}`);
        assert.match(result.details, /^request: not a valid protobuf message/);
      }
      assert.equal(server.handled, handled, "no handler ran");
    });
  }

  it("answers a malformed message in a request stream with INVALID_ARGUMENT", async () => {
    const result = await raw.sendRaw(REFLECTION, [TRUNCATED], { requestStream: true, responseStream: true });
    assert.equal(result.code, grpc.status.INVALID_ARGUMENT, `${grpc.status[result.code]} ${result.details}`);
  });

  it("still decodes valid bytes sent the same way, and keeps serving after the bad ones", async () => {
    const request = Buffer.from(inference.CompleteRequest.encode({ request: undefined }).finish());
    const result = await raw.sendRaw(COMPLETE, [request], unary);
    assert.equal(result.code, grpc.status.OK, result.details);
    assert.equal(inference.CompleteResponse.decode(result.responses[0]!).text, "done");
  });
});
