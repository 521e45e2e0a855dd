// The configuration Portkey receives: every replica a target, spread by equal weights.
import assert from "node:assert/strict";
import { it } from "node:test";
import { portkeyConfig, portkeyHeaders } from "./portkey-config.js";
import { HONO_NODE_SERVER_PIN, PORTKEY_VERSION, portkeyManifest } from "./portkey-install.js";

it("makes each replica an OpenAI-compatible target at its /v1, with equal weights", () => {
  const config = portkeyConfig(["http://127.0.0.1:8001", "http://127.0.0.1:8002/"]);
  assert.deepEqual(config.strategy, { mode: "loadbalance" });
  assert.deepEqual(
    config.targets.map((t) => [t.provider, t.custom_host, t.weight]),
    [
      ["openai", "http://127.0.0.1:8001/v1", 1],
      ["openai", "http://127.0.0.1:8002/v1", 1],
    ],
  );
  assert.deepEqual(JSON.parse(portkeyHeaders(config)["x-portkey-config"]!), config);
});

it("refuses a configuration without replicas", () => {
  assert.throws(() => portkeyConfig([]), /at least one backend/);
});

it("installs the pinned Portkey, with @hono/node-server overridden only when asked", () => {
  assert.deepEqual(portkeyManifest(true)["dependencies"], { "@portkey-ai/gateway": PORTKEY_VERSION });
  assert.deepEqual(portkeyManifest(true)["overrides"], { "@hono/node-server": HONO_NODE_SERVER_PIN });
  assert.equal(portkeyManifest(false)["overrides"], undefined);
});
