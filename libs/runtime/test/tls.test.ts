import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { inference } from "@reviewlens/contracts";
import { channelCredentials } from "@reviewlens/runtime";
import { startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";
import { createChannel, createClient } from "nice-grpc";
import { makeCertificates } from "./test-certificates.js";

describe("gRPC over mTLS", () => {
  const file = makeCertificates();
  let service: ServiceProcess;
  before(async () => {
    service = await startServiceProcess({
      entry: "libs/runtime/test/fixtures/slow-service.ts",
      env: { TLS_CERT_FILE: file("server.crt"), TLS_KEY_FILE: file("server.key"), TLS_CLIENT_CA_FILE: file("ca.crt") },
    });
  });
  after(async () => {
    await service?.stop();
  });

  const statusWith = async (credentials: ReturnType<typeof channelCredentials>) => {
    const channel = createChannel(service.address, credentials);
    try {
      return await createClient(inference.InferenceGatewayServiceDefinition, channel).getStatus({}, { signal: AbortSignal.timeout(5000) });
    } finally {
      channel.close();
    }
  };

  it("accepts a client whose certificate the CA signed", async () => {
    const status = await statusWith(channelCredentials({ caFile: file("ca.crt"), certFile: file("client.crt"), keyFile: file("client.key") }));
    assert.ok(Array.isArray(status.queues));
  });

  it("refuses a client without a certificate, and a plaintext client", async () => {
    await assert.rejects(statusWith(channelCredentials({ caFile: file("ca.crt") })));
    await assert.rejects(statusWith(channelCredentials({})));
  });
});
