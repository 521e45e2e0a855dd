import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { startRecordingServer } from "@reviewlens/testkit";
import { createWebhookNotifier, type StopNotice } from "./webhook-notifier.js";

const notice: StopNotice = { target: "runpod pod p1", reason: "idle for 5 consecutive checks", idleCount: 5, idleLimit: 5, thresholdPercent: 5, dryRun: false, at: "2026-01-01T00:00:00.000Z" };

describe("webhook notifier (against a local HTTP server)", async () => {
  const hook = await startRecordingServer(() => ({ status: 204 }));
  after(() => hook.close());

  it("POSTs the notice as JSON with a Slack-style text", async () => {
    await createWebhookNotifier(`${hook.url}/hooks/watchdog`).notifyStop(notice, new AbortController().signal);
    const last = hook.requests.at(-1);
    assert.equal(last?.method, "POST");
    assert.equal(last?.path, "/hooks/watchdog");
    assert.equal(last?.headers["content-type"], "application/json");
    const body = JSON.parse(last?.body ?? "{}") as Record<string, unknown>;
    assert.equal(body["event"], "watchdog.stop");
    assert.equal(body["text"], "stopping runpod pod p1: idle for 5 consecutive checks");
    assert.equal(body["idleCount"], 5);
  });

  it("says it would stop in a dry run", async () => {
    await createWebhookNotifier(hook.url).notifyStop({ ...notice, dryRun: true }, new AbortController().signal);
    assert.match(String((JSON.parse(hook.requests.at(-1)?.body ?? "{}") as Record<string, unknown>)["text"]), /^\[dry run\] would stop/);
  });

  it("rejects on an error status", async () => {
    hook.respondWith(() => ({ status: 502, body: "bad gateway" }));
    await assert.rejects(createWebhookNotifier(hook.url).notifyStop(notice, new AbortController().signal), /502/);
  });
});
