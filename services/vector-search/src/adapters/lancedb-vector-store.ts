// The embedded default: LanceDB tables on local disk (one directory per collection under DATA_DIR).
// Searches without an ANN index are exact (flat scan), which is fast enough at 10^5 reviews.
import { mkdir } from "node:fs/promises";
import * as lancedb from "@lancedb/lancedb";
import * as arrow from "apache-arrow";
import {
  DimensionMismatchError,
  type CollectionSpec,
  type Condition,
  type FieldType,
  type Payload,
  type Point,
  type ScoredPoint,
  type SearchOptions,
  type VectorStore,
} from "../vector-store.js";
import { conditionsToSql } from "./store-filter-sql.js";

// Compact small write fragments and refresh scalar indexes after this many writes to a table.
const WRITES_BETWEEN_MAINTENANCE = 64;

interface OpenTable {
  table: lancedb.Table;
  spec: CollectionSpec;
  /** Lance commits are optimistic; one writer per table in this process avoids conflicts. */
  writes: Promise<unknown>;
  writesSinceMaintenance: number;
}

function arrowType(type: FieldType): arrow.DataType {
  switch (type) {
    case "keyword":
    case "text":
      return new arrow.Utf8();
    case "integer":
      return new arrow.Int64();
    case "float":
      return new arrow.Float64();
    case "bool":
      return new arrow.Bool();
  }
}

function schemaOf(spec: CollectionSpec): arrow.Schema {
  return new arrow.Schema([
    new arrow.Field("id", new arrow.Utf8(), false),
    new arrow.Field("vector", new arrow.FixedSizeList(spec.dimension, new arrow.Field("item", new arrow.Float32(), true)), false),
    ...Object.entries(spec.fields).map(([name, field]) => new arrow.Field(name, arrowType(field.type), true)),
  ]);
}

function inList(ids: string[]): string {
  return `id IN (${ids.map((id) => `'${id.replaceAll("'", "''")}'`).join(", ")})`;
}

export async function openLanceDbVectorStore(directory: string): Promise<VectorStore> {
  await mkdir(directory, { recursive: true });
  const db = await lancedb.connect(directory);
  const tables = new Map<string, OpenTable>();

  function opened(collection: string): OpenTable {
    const open = tables.get(collection);
    if (!open) throw new Error(`collection "${collection}" was not ensured`);
    return open;
  }

  function toPoint(row: Record<string, unknown>, spec: CollectionSpec): Point {
    const payload: Payload = {};
    for (const [name, field] of Object.entries(spec.fields)) {
      const value = row[name];
      if (value === null || value === undefined) continue;
      payload[name] = field.type === "integer" ? Number(value) : (value as string | number | boolean);
    }
    return { id: String(row["id"]), vector: Array.from(row["vector"] as Iterable<number>), payload };
  }

  function toRow(point: Point, spec: CollectionSpec): Record<string, unknown> {
    if (point.vector.length !== spec.dimension) throw new DimensionMismatchError(spec.name, spec.dimension, point.vector.length);
    const row: Record<string, unknown> = { id: point.id, vector: point.vector };
    for (const [name, field] of Object.entries(spec.fields)) {
      const value = point.payload[name];
      row[name] = value === undefined ? null : field.type === "integer" ? BigInt(Math.trunc(Number(value))) : value;
    }
    return row;
  }

  async function maintain(open: OpenTable) {
    if (++open.writesSinceMaintenance < WRITES_BETWEEN_MAINTENANCE) return;
    open.writesSinceMaintenance = 0;
    const existing = new Set((await open.table.listIndices()).flatMap((index) => index.columns));
    const wanted = ["id", ...Object.entries(open.spec.fields).filter(([, f]) => f.indexed).map(([name]) => name)];
    for (const name of wanted) {
      if (!existing.has(name)) await open.table.createIndex(name, { config: lancedb.Index.btree() });
    }
    await open.table.optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
  }

  function write(open: OpenTable, operation: () => Promise<unknown>): Promise<void> {
    const next = open.writes.then(operation).then(() => maintain(open));
    open.writes = next.catch(() => undefined);
    return next;
  }

  return {
    kind: "lancedb",
    async ensureCollection(spec) {
      const names = await db.tableNames();
      const table = names.includes(spec.name)
        ? await db.openTable(spec.name)
        : await db.createEmptyTable(spec.name, schemaOf(spec), { existOk: true });
      const vectorField = (await table.schema()).fields.find((f) => f.name === "vector");
      const actual = vectorField && arrow.DataType.isFixedSizeList(vectorField.type) ? vectorField.type.listSize : -1;
      if (actual !== spec.dimension) throw new DimensionMismatchError(spec.name, spec.dimension, actual);
      tables.set(spec.name, { table, spec, writes: Promise.resolve(), writesSinceMaintenance: 0 });
    },
    async upsert(collection, points, signal) {
      signal?.throwIfAborted();
      if (points.length === 0) return;
      const open = opened(collection);
      const rows = points.map((p) => toRow(p, open.spec));
      await write(open, () => open.table.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows));
    },
    async delete(collection, ids, signal) {
      signal?.throwIfAborted();
      if (ids.length === 0) return;
      const open = opened(collection);
      await write(open, () => open.table.delete(inList(ids)));
    },
    async get(collection, ids, signal) {
      signal?.throwIfAborted();
      if (ids.length === 0) return [];
      const open = opened(collection);
      const rows = (await open.table.query().where(inList(ids)).toArray()) as Array<Record<string, unknown>>;
      return rows.map((row) => toPoint(row, open.spec));
    },
    async search(collection, vector, options: SearchOptions, signal) {
      signal?.throwIfAborted();
      const open = opened(collection);
      if (vector.length !== open.spec.dimension) throw new DimensionMismatchError(collection, open.spec.dimension, vector.length);
      let query = open.table.vectorSearch(vector).distanceType("cosine").limit(options.limit);
      const where = conditionsToSql(options.filter ?? []);
      if (where) query = query.where(where);
      const rows = (await query.toArray()) as Array<Record<string, unknown>>;
      return rows.map((row): ScoredPoint => ({ ...toPoint(row, open.spec), score: 1 - Number(row["_distance"]) }));
    },
    async scan(collection, filter: Condition[], signal) {
      signal?.throwIfAborted();
      const open = opened(collection);
      const where = conditionsToSql(filter);
      const rows = (await (where ? open.table.query().where(where) : open.table.query()).toArray()) as Array<Record<string, unknown>>;
      return rows.map((row) => toPoint(row, open.spec));
    },
    async close() {
      await Promise.all([...tables.values()].map((open) => open.writes));
      for (const open of tables.values()) open.table.close();
      tables.clear();
      db.close();
    },
  };
}
