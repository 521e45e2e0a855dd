import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { startRecordingServer } from "@reviewlens/testkit";
import { createRunPodActuator } from "./runpod-actuator.js";

describe("RunPod actuator (against a local HTTP server)", async () => {
  const server = await startRecordingServer();
  after(() => server.close());
  const actuator = createRunPodActuator({ podId: "pod-42", apiKey: "rk_secret_123", baseUrl: `${server.url}/v1/` });

  it("POSTs /pods/{podId}/stop with the API key as a bearer token", async () => {
    server.respondWith(() => ({ status: 200, body: { id: "pod-42", desiredStatus: "EXITED" } }));
    await actuator.stop(new AbortController().signal);
    const last = server.requests.at(-1);
    assert.equal(last?.method, "POST");
    assert.equal(last?.path, "/v1/pods/pod-42/stop");
    assert.equal(last?.headers["authorization"], "Bearer rk_secret_123");
    assert.equal(actuator.target, "runpod pod pod-42");
  });

  it("POSTs /pods/{podId}/start to wake it", async () => {
    server.respondWith(() => ({ status: 200, body: { id: "pod-42", desiredStatus: "RUNNING" } }));
    await actuator.start(new AbortController().signal);
    const last = server.requests.at(-1);
    assert.equal(last?.method, "POST");
    assert.equal(last?.path, "/v1/pods/pod-42/start");
    assert.equal(last?.headers["authorization"], "Bearer rk_secret_123");
    server.respondWith(() => ({ status: 400, body: "pod is not stopped" }));
    await assert.rejects(actuator.start(new AbortController().signal), /400.*the start of pod pod-42: pod is not stopped/);
  });

  it("rejects on an error status with the status in the message and without the key", async () => {
    server.respondWith(() => ({ status: 500, body: "internal error" }));
    await assert.rejects(actuator.stop(new AbortController().signal), (error: Error) => {
      assert.match(error.message, /500/);
      assert.match(error.message, /internal error/);
      assert.doesNotMatch(error.message, /rk_secret_123/);
      return true;
    });
  });

  it("rejects when nothing listens", async () => {
    const gone = createRunPodActuator({ podId: "p", apiKey: "k", baseUrl: "http://127.0.0.1:9/v1" });
    await assert.rejects(gone.stop(new AbortController().signal));
  });
});
