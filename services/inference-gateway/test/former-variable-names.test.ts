// A deployment still setting the gateway's former variable names (VLLM_URLS, VLLM_API_KEY) keeps
// working for one release, and the gateway says which names to set instead.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { llmRequest, startGateway, startSim } from "./gateway-harness.js";

test("VLLM_URLS and VLLM_API_KEY still reach the backend, each with a warning naming its new name", async () => {
  const sim = await startSim();
  const dataDir = await mkdtemp(join(tmpdir(), "gateway-former-names-"));
  try {
    const gateway = await startGateway({ VLLM_URLS: sim.url, VLLM_API_KEY: "EMPTY", DATA_DIR: dataDir });
    try {
      const answer = await gateway.client.complete({ request: llmRequest("former names") });
      assert.ok((answer.usage?.outputTokens ?? 0) > 0, "the backend named by VLLM_URLS answered");
      const warnings = gateway.process.logs.filter((l) => l["level"] === "warn").map((l) => String(l["msg"]));
      assert.ok(warnings.some((w) => w.includes("VLLM_URLS") && w.includes("GATEWAY_BACKEND_URLS")), warnings.join("\n"));
      assert.ok(warnings.some((w) => w.includes("VLLM_API_KEY") && w.includes("GATEWAY_BACKEND_API_KEY")), warnings.join("\n"));
    } finally {
      await gateway.close();
    }
  } finally {
    await sim.process.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
