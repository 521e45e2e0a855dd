// The store on a real PostgreSQL (the test server), a fresh database for this file.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { migrate, openMetricsStore } from "../src/index.js";
import { metricsStoreContract } from "./metrics-store-contract.js";
import { captureLogger, createTestDatabase, type TestDatabase } from "@reviewlens/testkit";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase("metrics_store");
});
after(() => db.drop());

metricsStoreContract((overrides) => openMetricsStore({ databaseUrl: db.url, logger: captureLogger().logger, ...overrides }));

test("concurrent migrators on one database apply each migration once", async () => {
  const fresh = await createTestDatabase("metrics_migrate");
  const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: fresh.url, max: 2 }));
  try {
    const applied = await Promise.all(pools.map((p) => migrate(p)));
    assert.deepEqual(applied.map((a) => a.length).sort(), [0, 0, 1]);
    const { rows } = await pools[0]!.query("SELECT version FROM schema_migrations");
    assert.equal(rows.length, 1);
    assert.deepEqual(await migrate(pools[0]!), []);
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await fresh.drop();
  }
});

test("the password of DATABASE_URL shows neither in the store's location nor in its logs", async () => {
  const url = new URL(db.url);
  url.password = "s3cret-pw"; // the test server trusts every password
  const { logger, lines } = captureLogger();
  const store = await openMetricsStore({ databaseUrl: url.toString(), logger });
  await store.close();
  assert.match(store.location, /\*\*\*/);
  assert.doesNotMatch(store.location + JSON.stringify(lines), /s3cret-pw/);
});
