// Everything a refused write must leave as it was: every row of vector-search's LanceDB tables
// (vectors included), and analysis_state, analysis_metrics and vllm_metrics in PostgreSQL. Rows of
// the barrier restaurant (see fuzz-stack.ts) are left out: they change on purpose between snapshots.
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import * as lancedb from "@lancedb/lancedb";
import pg from "pg";

export interface StoreSnapshot {
  vectors: Record<string, Array<Record<string, unknown>>>;
  tables: Record<string, Array<Record<string, unknown>>>;
}

const PG_TABLES = {
  analysis_state: "SELECT * FROM analysis_state WHERE restaurant_id <> $1 ORDER BY restaurant_id, analysis_type",
  analysis_metrics: "SELECT * FROM analysis_metrics WHERE restaurant_id <> $1 ORDER BY id",
  vllm_metrics: "SELECT * FROM vllm_metrics WHERE restaurant_id IS DISTINCT FROM $1 ORDER BY id",
};

function plain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = value !== null && typeof value === "object" && "toArray" in value ? Array.from((value as { toArray(): ArrayLike<unknown> }).toArray()) : value;
  }
  return out;
}

export async function takeSnapshot(dataDir: string, databaseUrl: string, barrierRestaurant: string): Promise<StoreSnapshot> {
  // A fresh connection each time: it reads the tables' latest committed version.
  const db = await lancedb.connect(join(dataDir, "vector-search"));
  const vectors: StoreSnapshot["vectors"] = {};
  for (const name of (await db.tableNames()).sort()) {
    const table = await db.openTable(name);
    const rows = (await table.query().toArray()).map((r) => plain(r as Record<string, unknown>));
    vectors[name] = rows.filter((r) => r["restaurant_id"] !== barrierRestaurant && r["id"] !== barrierRestaurant).sort((a, b) => String(a["id"]).localeCompare(String(b["id"])));
    table.close();
  }
  db.close();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables: StoreSnapshot["tables"] = {};
    for (const [name, sql] of Object.entries(PG_TABLES)) tables[name] = (await client.query<Record<string, unknown>>(sql, [barrierRestaurant])).rows;
    return { vectors, tables };
  } finally {
    await client.end();
  }
}

/** The names of the tables whose rows differ ([] when the snapshots are equal). */
export function changedTables(before: StoreSnapshot, after: StoreSnapshot): string[] {
  const names = new Set([...Object.keys(before.vectors), ...Object.keys(after.vectors)]);
  const changed = [...names].filter((n) => !isDeepStrictEqual(before.vectors[n], after.vectors[n])).map((n) => `lancedb:${n}`);
  for (const name of Object.keys(PG_TABLES)) if (!isDeepStrictEqual(before.tables[name], after.tables[name])) changed.push(`postgres:${name}`);
  return changed;
}

export const rowCount = (s: StoreSnapshot, table: string): number => (s.vectors[table] ?? s.tables[table] ?? []).length;
