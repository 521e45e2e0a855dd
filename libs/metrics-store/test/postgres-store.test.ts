// The store on a real PostgreSQL (the test server), a fresh database for this file.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { migrate, migrations, openMetricsStore } from "../src/index.js";
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
    assert.deepEqual(applied.map((a) => a.length).sort(), [0, 0, migrations.length]);
    const { rows } = await pools[0]!.query("SELECT version FROM schema_migrations");
    assert.equal(rows.length, migrations.length);
    assert.deepEqual(await migrate(pools[0]!), []);
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await fresh.drop();
  }
});

test("version 2 adds the token columns and keeps the rows written before it", async () => {
  const fresh = await createTestDatabase("metrics_v2");
  const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
  try {
    assert.deepEqual(await migrate(pool, migrations.filter((m) => m.version === 1)), [1]);
    await pool.query(
      `INSERT INTO analysis_metrics (row_id, restaurant_id, analysis_type, status, tokens_used)
       VALUES ('00000000-0000-4000-8000-000000000001', 'r-old', 'sentiment', 'completed', 1234)`,
    );
    await pool.query("INSERT INTO vllm_metrics (request_id, priority, backend, prompt_tokens) VALUES ('old-1', 'batch', 'b', 777)");
    assert.deepEqual(await migrate(pool, migrations.filter((m) => m.version <= 2)), [2]);
    const { rows: analyses } = await pool.query("SELECT tokens_used, prompt_tokens, cached_prompt_tokens, output_tokens FROM analysis_metrics");
    assert.deepEqual(analyses, [{ tokens_used: 1234, prompt_tokens: 0, cached_prompt_tokens: 0, output_tokens: 0 }]);
    const { rows: requests } = await pool.query("SELECT prompt_tokens, cached_prompt_tokens FROM vllm_metrics");
    assert.deepEqual(requests, [{ prompt_tokens: 777, cached_prompt_tokens: 0 }]);
  } finally {
    await pool.end();
    await fresh.drop();
  }
});

test("version 3 adds the tenant column: rows written before it are the default tenant's", async () => {
  const fresh = await createTestDatabase("metrics_v3");
  const pool = new pg.Pool({ connectionString: fresh.url, max: 2 });
  try {
    assert.deepEqual(await migrate(pool, migrations.filter((m) => m.version <= 2)), [1, 2]);
    await pool.query("INSERT INTO vllm_metrics (request_id, priority, backend, prompt_tokens) VALUES ('old-1', 'batch', 'b', 777)");
    assert.deepEqual(await migrate(pool), [3]);
    const { rows } = await pool.query("SELECT request_id, tenant, prompt_tokens FROM vllm_metrics");
    assert.deepEqual(rows, [{ request_id: "old-1", tenant: "default", prompt_tokens: 777 }]);
  } finally {
    await pool.end();
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
