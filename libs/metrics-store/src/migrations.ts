// Versioned schema migrations. Each runs once, in order, inside a transaction that also records it in
// schema_migrations, so running them twice (or from two processes at once) changes nothing.
import type pg from "pg";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "analysis_metrics, vllm_metrics and analysis_state (SPEC section 8)",
    sql: `
      CREATE TABLE analysis_metrics (
        id bigserial PRIMARY KEY,
        row_id uuid NOT NULL UNIQUE,
        restaurant_id text NOT NULL,
        analysis_type text NOT NULL,
        status text NOT NULL CHECK (status IN ('completed', 'skipped', 'failed')),
        processing_time_ms double precision NOT NULL DEFAULT 0,
        tokens_used integer NOT NULL DEFAULT 0,
        reviews_considered integer NOT NULL DEFAULT 0,
        batch_size integer NOT NULL DEFAULT 0,
        cache_hit boolean NOT NULL DEFAULT false,
        error_count integer NOT NULL DEFAULT 0,
        warning_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX analysis_metrics_created_at ON analysis_metrics (created_at);
      CREATE INDEX analysis_metrics_restaurant ON analysis_metrics (restaurant_id, analysis_type, created_at);

      CREATE TABLE vllm_metrics (
        id bigserial PRIMARY KEY,
        request_id text NOT NULL UNIQUE,
        restaurant_id text,
        analysis_type text,
        priority text NOT NULL,
        backend text NOT NULL,
        queue_ms double precision NOT NULL DEFAULT 0,
        ttft_ms double precision NOT NULL DEFAULT 0,
        prefill_ms double precision NOT NULL DEFAULT 0,
        decode_ms double precision NOT NULL DEFAULT 0,
        e2e_ms double precision NOT NULL DEFAULT 0,
        prompt_tokens integer NOT NULL DEFAULT 0,
        output_tokens integer NOT NULL DEFAULT 0,
        tpot_ms double precision NOT NULL DEFAULT 0,
        tokens_per_s double precision NOT NULL DEFAULT 0,
        met_slo boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX vllm_metrics_created_at ON vllm_metrics (created_at);

      -- One row per (restaurant, analysis): the O(1) SKIP lookup. fencing is the lock's fencing
      -- number of the last write; a write with a lower number is refused (stale lock holder).
      CREATE TABLE analysis_state (
        restaurant_id text NOT NULL,
        analysis_type text NOT NULL,
        last_success_at timestamptz,
        last_attempt_at timestamptz NOT NULL,
        review_count integer,
        vector_version bigint,
        fencing bigint NOT NULL,
        last_result jsonb,
        PRIMARY KEY (restaurant_id, analysis_type)
      );
    `,
  },
  {
    version: 2,
    name: "prompt, cached prompt and output tokens per analysis; cached prompt tokens per LLM request",
    // Existing rows keep their values; their new counts are 0 (unknown before this version).
    sql: `
      ALTER TABLE analysis_metrics
        ADD COLUMN prompt_tokens integer NOT NULL DEFAULT 0,
        ADD COLUMN cached_prompt_tokens integer NOT NULL DEFAULT 0,
        ADD COLUMN output_tokens integer NOT NULL DEFAULT 0;
      ALTER TABLE vllm_metrics ADD COLUMN cached_prompt_tokens integer NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 3,
    name: "the tenant of each LLM request",
    // Rows from before tenants existed were the default tenant's.
    sql: `
      ALTER TABLE vllm_metrics ADD COLUMN tenant text NOT NULL DEFAULT 'default';
      CREATE INDEX vllm_metrics_tenant ON vllm_metrics (tenant, created_at);
    `,
  },
];

// Serialises concurrent migrators (two services starting at once against one PostgreSQL).
const MIGRATION_LOCK_KEY = 7_413_260_001;

/** Applies the migrations not yet recorded; returns the versions it applied. */
export async function migrate(pool: pg.Pool, list: readonly Migration[] = migrations): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await client.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map((r) => r.version),
    );
    for (const m of [...list].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query("COMMIT");
    return applied;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
