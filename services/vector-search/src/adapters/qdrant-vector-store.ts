// Production store: Qdrant over REST. Point IDs must be UUIDs or integers, so each caller ID maps to
// a name-based UUID (SHA-1, RFC 4122 version 5 layout) and is kept in the payload as `_id`.
import { createHash } from "node:crypto";
import { QdrantClient, type Schemas } from "@qdrant/js-client-rest";
import {
  atOrAbove,
  DimensionMismatchError,
  THRESHOLD_MARGIN,
  type CollectionSpec,
  type Condition,
  type Payload,
  type Point,
  type VectorStore,
} from "../vector-store.js";

const ID_FIELD = "_id";
const SCROLL_PAGE = 1_000;
// Batches above a few MB are rejected by Qdrant's default request size limit.
const UPSERT_CHUNK = 256;

export function pointUuid(id: string): string {
  const hex = createHash("sha1").update(`reviewlens:${id}`).digest("hex");
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

function toFilter(conditions: Condition[]): Schemas["Filter"] | undefined {
  if (conditions.length === 0) return undefined;
  const must: Schemas["FieldCondition"][] = conditions.map((c) => {
    if ("equals" in c) return { key: c.field, match: { value: c.equals } };
    if ("anyOf" in c) return { key: c.field, match: { any: c.anyOf } };
    return { key: c.field, range: { ...c.range } };
  });
  return { must };
}

/** An empty set matches nothing; Qdrant's `match.any: []` semantics are not worth relying on. */
const matchesNothing = (conditions: Condition[]) => conditions.some((c) => "anyOf" in c && c.anyOf.length === 0);

function vectorSizeOf(info: Schemas["CollectionInfo"]): number {
  const vectors = info.config.params.vectors;
  if (vectors && typeof (vectors as { size?: unknown }).size === "number") return (vectors as { size: number }).size;
  return -1; // named vectors: not a collection this service created
}

export interface QdrantStoreOptions {
  url: string;
  apiKey?: string | undefined;
  /** Prepended to every collection name (tests use it to stay out of each other's way). */
  collectionPrefix?: string;
}

export function openQdrantVectorStore(options: QdrantStoreOptions): VectorStore {
  const client = new QdrantClient({ url: options.url, ...(options.apiKey ? { apiKey: options.apiKey } : {}), checkCompatibility: false });
  const prefix = options.collectionPrefix ?? "";
  const name = (collection: string) => `${prefix}${collection}`;

  function toIdentified(record: { payload?: Record<string, unknown> | null }): { id: string; payload: Payload } {
    const { [ID_FIELD]: id, ...rest } = record.payload ?? {};
    return { id: String(id), payload: rest as Payload };
  }

  function toPoint(record: { payload?: Record<string, unknown> | null; vector?: unknown }): Point {
    return { ...toIdentified(record), vector: Array.from(record.vector as number[]) };
  }

  /** Every record matching the filter, page by page. */
  async function scroll(collection: string, filter: Condition[], withVector: boolean, signal?: AbortSignal) {
    const records: Array<{ id: Schemas["ExtendedPointId"]; payload?: Record<string, unknown> | null; vector?: unknown }> = [];
    if (matchesNothing(filter)) return records;
    const filterSpec = toFilter(filter);
    let offset: Schemas["ExtendedPointId"] | null | undefined;
    do {
      signal?.throwIfAborted();
      const page = await client.scroll(name(collection), {
        limit: SCROLL_PAGE,
        with_payload: true,
        with_vector: withVector,
        ...(filterSpec ? { filter: filterSpec } : {}),
        ...(offset !== undefined && offset !== null ? { offset } : {}),
      });
      records.push(...page.points);
      offset = page.next_page_offset as Schemas["ExtendedPointId"] | null | undefined;
    } while (offset !== undefined && offset !== null);
    return records;
  }

  return {
    kind: "qdrant",
    // Several vector-search replicas may share one Qdrant.
    exclusive: false,
    async ensureCollection(spec: CollectionSpec) {
      const collection = name(spec.name);
      if ((await client.collectionExists(collection)).exists) {
        const actual = vectorSizeOf(await client.getCollection(collection));
        if (actual !== spec.dimension) throw new DimensionMismatchError(spec.name, spec.dimension, actual);
      } else {
        await client.createCollection(collection, {
          vectors: { size: spec.dimension, distance: "Cosine", on_disk: true },
          on_disk_payload: true,
        });
      }
      const indexed: Array<[string, Schemas["PayloadSchemaType"]]> = [[ID_FIELD, "keyword"]];
      for (const [field, f] of Object.entries(spec.fields)) if (f.indexed) indexed.push([field, f.type]);
      // Creating an index that exists is a no-op in Qdrant, so this is safe on every start.
      for (const [field_name, field_schema] of indexed) await client.createPayloadIndex(collection, { field_name, field_schema, wait: true });
    },
    async upsert(collection, points, signal) {
      for (let i = 0; i < points.length; i += UPSERT_CHUNK) {
        signal?.throwIfAborted();
        await client.upsert(name(collection), {
          wait: true,
          points: points.slice(i, i + UPSERT_CHUNK).map((p) => ({ id: pointUuid(p.id), vector: p.vector, payload: { ...p.payload, [ID_FIELD]: p.id } })),
        });
      }
    },
    async delete(collection, ids, signal) {
      signal?.throwIfAborted();
      if (ids.length === 0) return;
      await client.delete(name(collection), { wait: true, points: ids.map(pointUuid) });
    },
    async get(collection, ids, signal) {
      signal?.throwIfAborted();
      if (ids.length === 0) return [];
      const records = await client.retrieve(name(collection), { ids: ids.map(pointUuid), with_payload: true, with_vector: true });
      return records.map(toPoint);
    },
    async search(collection, vector, { filter, limit, exact, minScore }, signal) {
      signal?.throwIfAborted();
      if (matchesNothing(filter ?? [])) return [];
      const filterSpec = toFilter(filter ?? []);
      const response = await client.query(name(collection), {
        query: vector,
        limit,
        with_payload: true,
        // Hits carry no vector (ScoredPoint).
        with_vector: false,
        ...(exact ? { params: { exact: true } } : {}),
        ...(filterSpec ? { filter: filterSpec } : {}),
        // Qdrant's cosine scores are similarities too: it drops those under the threshold.
        ...(minScore !== undefined ? { score_threshold: minScore - THRESHOLD_MARGIN } : {}),
      });
      return atOrAbove(
        response.points.map((p) => ({ ...toIdentified(p), score: p.score })),
        minScore,
      );
    },
    async scan(collection, filter, signal) {
      return (await scroll(collection, filter, true, signal)).map(toPoint);
    },
    async scanPayloads(collection, filter, signal) {
      return (await scroll(collection, filter, false, signal)).map(toIdentified);
    },
    async close() {},
  };
}
