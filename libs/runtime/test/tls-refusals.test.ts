// What a TLS-only or mTLS server refuses, and how: a plaintext client fails with UNAVAILABLE (a
// clean failure, not a hang that only its deadline ends), and client certificates that expired or
// come from another CA are refused before any handler runs.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inference } from "@reviewlens/contracts";
import { ClientError, createChannel, createClient, Status } from "nice-grpc";
import { channelCredentials, serverCredentials } from "../src/index.js";
import { startInProcessServer, type InProcessServer } from "./in-process-server.js";
import { makeCertificates } from "./test-certificates.js";

// A hang guard only: a clean refusal arrives long before; a hang would end as an AbortError.
const HANG_GUARD_MS = 60_000;

async function callWith(address: string, credentials: ReturnType<typeof channelCredentials>) {
  const channel = createChannel(address, credentials);
  try {
    return await createClient(inference.InferenceGatewayServiceDefinition, channel).getStatus({}, { signal: AbortSignal.timeout(HANG_GUARD_MS) });
  } finally {
    channel.close();
  }
}

async function refusalOf(address: string, credentials: ReturnType<typeof channelCredentials>): Promise<ClientError> {
  const error = await callWith(address, credentials).then(
    () => assert.fail("the call was accepted"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClientError, String(error));
  return error;
}

describe("TLS and mTLS refusals", () => {
  const file = makeCertificates();
  let tlsOnly: InProcessServer;
  let mutual: InProcessServer;
  before(async () => {
    tlsOnly = await startInProcessServer({ credentials: serverCredentials({ certFile: file("server.crt"), keyFile: file("server.key") }) });
    mutual = await startInProcessServer({ credentials: serverCredentials({ certFile: file("server.crt"), keyFile: file("server.key"), clientCaFile: file("ca.crt") }) });
  });
  after(async () => {
    await tlsOnly?.server.drain(1_000);
    await mutual?.server.drain(1_000);
  });

  it("serves a TLS client that trusts the CA (the baseline the refusals are measured against)", async () => {
    assert.equal((await callWith(tlsOnly.address, channelCredentials({ caFile: file("ca.crt") }))).requestsCompleted, 7);
    assert.equal((await callWith(mutual.address, channelCredentials({ caFile: file("ca.crt"), certFile: file("client.crt"), keyFile: file("client.key") }))).requestsCompleted, 7);
  });

  it("fails a plaintext client to a TLS-only server with UNAVAILABLE, not a hang, and runs no handler", async () => {
    const handled = tlsOnly.handled;
    const error = await refusalOf(tlsOnly.address, channelCredentials({}));
    assert.equal(error.code, Status.UNAVAILABLE, `${Status[error.code]}: ${error.details}`);
    assert.equal(tlsOnly.handled, handled);
  });

  it("refuses an expired client certificate signed by the right CA", async () => {
    const handled = mutual.handled;
    const error = await refusalOf(mutual.address, channelCredentials({ caFile: file("ca.crt"), certFile: file("expired-client.crt"), keyFile: file("expired-client.key") }));
    assert.equal(error.code, Status.UNAVAILABLE, `${Status[error.code]}: ${error.details}`);
    assert.equal(mutual.handled, handled);
  });

  it("refuses a client certificate from another CA", async () => {
    const handled = mutual.handled;
    const error = await refusalOf(mutual.address, channelCredentials({ caFile: file("ca.crt"), certFile: file("foreign-client.crt"), keyFile: file("foreign-client.key") }));
    assert.equal(error.code, Status.UNAVAILABLE, `${Status[error.code]}: ${error.details}`);
    assert.equal(mutual.handled, handled);
  });

  it("refuses a client that presents no certificate to the mTLS server", async () => {
    const handled = mutual.handled;
    const error = await refusalOf(mutual.address, channelCredentials({ caFile: file("ca.crt") }));
    assert.equal(error.code, Status.UNAVAILABLE, `${Status[error.code]}: ${error.details}`);
    assert.equal(mutual.handled, handled);
  });
});
