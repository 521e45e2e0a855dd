// The store on its embedded default: PGlite under DATA_DIR, reached through `pg` over pglite-socket.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openMetricsStore } from "../src/index.js";
import { captureLogger } from "@reviewlens/testkit";
import { metricsStoreContract } from "./metrics-store-contract.js";

const dataDir = await mkdtemp(join(tmpdir(), "reviewlens-pglite-"));

test("the embedded database lives under DATA_DIR/metrics/<service> and serves one opener", async () => {
  // The directory is named after the logger's service (the contract suite below reuses it).
  const { logger } = captureLogger("contract");
  const store = await openMetricsStore({ dataDir, logger });
  try {
    assert.equal(store.location, join(dataDir, "metrics", "contract"));
    await assert.rejects(openMetricsStore({ dataDir, logger }), /in use by process \d+.*DATABASE_URL/);
  } finally {
    await store.close();
  }
  const again = await openMetricsStore({ dataDir, logger });
  await again.close();
});

metricsStoreContract((overrides) =>
  openMetricsStore({ dataDir, name: "contract", logger: captureLogger().logger, ...overrides }),
);
// Registered last so it runs after the contract suite closed its shared store.
after(() => rm(dataDir, { recursive: true, force: true }));
