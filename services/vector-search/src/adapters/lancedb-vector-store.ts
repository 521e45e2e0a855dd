// The embedded default: LanceDB tables on local disk (one directory per collection under DATA_DIR).
// Searches are exact (flat scan) until a table reaches `annMinRows`; then an IVF-PQ index (cosine,
// sqrt(rows) partitions, re-ranked with exact distances) serves searches that do not ask for `exact`.
import { mkdir } from "node:fs/promises";
import "./lancedb-log-level.js";
import * as lancedb from "@lancedb/lancedb";
import * as arrow from "apache-arrow";
import {
  atOrAbove,
  DimensionMismatchError,
  THRESHOLD_MARGIN,
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

// Compact small write fragments and refresh indexes after this many writes to a table.
const WRITES_BETWEEN_MAINTENANCE = 64;
const ANN_NPROBES = 20;
const ANN_REFINE_FACTOR = 10;

export interface LanceDbStoreOptions {
  /** Rows at which a table gets its approximate vector index; default 50 000. */
  annMinRows?: number;
}

interface OpenTable {
  table: lancedb.Table;
  spec: CollectionSpec;
  /** Lance commits are optimistic; one writer per table in this process avoids conflicts. */
  writes: Promise<unknown>;
  writesSinceMaintenance: number;
  hasVectorIndex: boolean;
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

export async function openLanceDbVectorStore(directory: string, options: LanceDbStoreOptions = {}): Promise<VectorStore> {
  const annMinRows = options.annMinRows ?? 50_000;
  await mkdir(directory, { recursive: true });
  const db = await lancedb.connect(directory);
  const tables = new Map<string, OpenTable>();

  function opened(collection: string): OpenTable {
    const open = tables.get(collection);
    if (!open) throw new Error(`collection "${collection}" was not ensured`);
    return open;
  }

  function toPayload(row: Record<string, unknown>, spec: CollectionSpec): Payload {
    const payload: Payload = {};
    for (const [name, field] of Object.entries(spec.fields)) {
      const value = row[name];
      if (value === null || value === undefined) continue;
      payload[name] = field.type === "integer" ? Number(value) : (value as string | number | boolean);
    }
    return payload;
  }

  function toPoint(row: Record<string, unknown>, spec: CollectionSpec): Point {
    return { id: String(row["id"]), vector: Array.from(row["vector"] as Iterable<number>), payload: toPayload(row, spec) };
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
    if (!open.hasVectorIndex) {
      const rows = await open.table.countRows();
      if (rows >= annMinRows) {
        const config = lancedb.Index.ivfPq({ distanceType: "cosine", numPartitions: Math.max(1, Math.round(Math.sqrt(rows))) });
        await open.table.createIndex("vector", { config });
        open.hasVectorIndex = true;
      }
    }
    // Also folds rows written since into the existing indexes (no retraining).
    await open.table.optimize({ cleanupOlderThan: new Date(Date.now() - 60_000) });
  }

  async function scanRows(open: OpenTable, filter: Condition[], withVectors: boolean, signal?: AbortSignal): Promise<Array<Record<string, unknown>>> {
    signal?.throwIfAborted();
    let query = open.table.query();
    if (!withVectors) query = query.select(["id", ...Object.keys(open.spec.fields)]);
    const where = conditionsToSql(filter);
    if (where) query = query.where(where);
    return (await query.toArray()) as Array<Record<string, unknown>>;
  }

  function write(open: OpenTable, operation: () => Promise<unknown>): Promise<void> {
    const next = open.writes.then(operation).then(() => maintain(open));
    open.writes = next.catch(() => undefined);
    return next;
  }

  return {
    kind: "lancedb",
    // One process per data directory (LanceDB has no cross-process write coordination).
    exclusive: true,
    async ensureCollection(spec) {
      const names = await db.tableNames();
      const table = names.includes(spec.name)
        ? await db.openTable(spec.name)
        : await db.createEmptyTable(spec.name, schemaOf(spec), { existOk: true });
      const vectorField = (await table.schema()).fields.find((f) => f.name === "vector");
      const actual = vectorField && arrow.DataType.isFixedSizeList(vectorField.type) ? vectorField.type.listSize : -1;
      if (actual !== spec.dimension) throw new DimensionMismatchError(spec.name, spec.dimension, actual);
      const hasVectorIndex = (await table.listIndices()).some((index) => index.columns.includes("vector"));
      tables.set(spec.name, { table, spec, writes: Promise.resolve(), writesSinceMaintenance: 0, hasVectorIndex });
    },
    async upsert(collection, points, signal) {
      signal?.throwIfAborted();
      if (points.length === 0) return;
      const open = opened(collection);
      const rows = points.map((p) => toRow(p, open.spec));
      await write(open, async () => {
        // A plain append is far cheaper than a merge (a join with the whole table) when all IDs are new.
        const present = await open.table.query().where(inList(points.map((p) => p.id))).select(["id"]).limit(1).toArray();
        if (present.length === 0) await open.table.add(rows);
        else await open.table.mergeInsert("id").whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(rows);
      });
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
      // Hits carry no vector (ScoredPoint): only the ID, the payload and the distance are read.
      let query = open.table
        .vectorSearch(vector)
        .distanceType("cosine")
        .limit(options.limit)
        .select(["id", ...Object.keys(open.spec.fields), "_distance"]);
      if (options.exact) query = query.bypassVectorIndex();
      else if (open.hasVectorIndex) query = query.nprobes(ANN_NPROBES).refineFactor(ANN_REFINE_FACTOR);
      const where = conditionsToSql(options.filter ?? []);
      if (where) query = query.where(where);
      // Cosine distance is 1 - score; Lance's upper bound is exclusive. Only on a flat scan: through
      // the IVF-PQ index Lance applies the range before re-ranking and loses hits the search without it keeps.
      const flat = options.exact === true || !open.hasVectorIndex;
      if (options.minScore !== undefined && flat) query = query.distanceRange(undefined, 1 - options.minScore + THRESHOLD_MARGIN);
      const rows = (await query.toArray()) as Array<Record<string, unknown>>;
      return atOrAbove(
        rows.map((row): ScoredPoint => ({ id: String(row["id"]), payload: toPayload(row, open.spec), score: 1 - Number(row["_distance"]) })),
        options.minScore,
      );
    },
    async scan(collection, filter: Condition[], signal) {
      const open = opened(collection);
      return (await scanRows(open, filter, true, signal)).map((row) => toPoint(row, open.spec));
    },
    async scanPayloads(collection, filter: Condition[], signal) {
      const open = opened(collection);
      return (await scanRows(open, filter, false, signal)).map((row) => ({ id: String(row["id"]), payload: toPayload(row, open.spec) }));
    },
    async close() {
      await Promise.all([...tables.values()].map((open) => open.writes));
      for (const open of tables.values()) open.table.close();
      tables.clear();
      db.close();
    },
  };
}
