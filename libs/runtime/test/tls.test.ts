import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { inference } from "@reviewlens/contracts";
import { channelCredentials } from "@reviewlens/runtime";
import { startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";
import { createChannel, createClient } from "nice-grpc";

// A throwaway CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl.
function makeCertificates(dir: string) {
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  ssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=test-ca");
  for (const name of ["server", "client"]) {
    ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    const ext = join(dir, `${name}.ext`);
    execFileSync("bash", ["-c", `echo "subjectAltName=IP:127.0.0.1,DNS:localhost" > ${ext}`]);
    ssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.crt`, "-days", "1", "-extfile", ext);
  }
  return (f: string) => join(dir, f);
}

describe("gRPC over mTLS", () => {
  const file = makeCertificates(mkdtempSync(join(tmpdir(), "tls-")));
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
