// The port every vector database adapter implements (LanceDB embedded, Qdrant remote).

export type PayloadValue = string | number | boolean;
export type Payload = Record<string, PayloadValue>;
export type FieldType = "keyword" | "integer" | "float" | "bool" | "text";

export interface CollectionSpec {
  name: string;
  dimension: number;
  /** Every payload field and its type; `indexed` fields get a payload index where the store has them. */
  fields: Record<string, { type: FieldType; indexed?: boolean }>;
}

export interface Point {
  /** The caller's ID (a review ID, a restaurant ID); adapters map it to what the store accepts. */
  id: string;
  vector: number[];
  payload: Payload;
}

/** A point as read without its vector. */
export type StoredPayload = Omit<Point, "vector">;

/**
 * A search hit: a point without its vector. No caller of a search uses the hits' vectors, and moving
 * a thousand of them (step E's baseline searches) cost more than the search itself.
 */
export interface ScoredPoint extends StoredPayload {
  /** Cosine similarity, higher is closer. */
  score: number;
}

/** All conditions must hold. Ranges are inclusive at `gte`/`lte`, exclusive at `lt`. */
export type Condition =
  | { field: string; equals: PayloadValue }
  | { field: string; anyOf: string[] }
  | { field: string; range: { gte?: number; lte?: number; lt?: number } };

export interface SearchOptions {
  filter?: Condition[];
  limit: number;
  /** Skip any approximate index: exact K nearest among the filtered points. */
  exact?: boolean;
  /** Cosine similarity below which points are left out (the store drops them, not the caller). */
  minScore?: number;
}

/**
 * Stores compare in float32 and may cut at > or >=: adapters ask them for this much below
 * `minScore` (far above float32 rounding near 1, about 6e-8) and make the exact cut with `atOrAbove`.
 */
export const THRESHOLD_MARGIN = 1e-5;

/** The hits whose reported score reaches `minScore`, so the cut agrees with the scores callers see. */
export function atOrAbove(hits: ScoredPoint[], minScore: number | undefined): ScoredPoint[] {
  return minScore === undefined ? hits : hits.filter((hit) => hit.score >= minScore);
}

export class DimensionMismatchError extends Error {
  constructor(
    readonly collection: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `collection "${collection}" holds ${actual}-dimensional vectors but the embedder produces ${expected}: ` +
        `use a new DATA_DIR / Qdrant collection or the embedder the collection was built with`,
    );
    this.name = "DimensionMismatchError";
  }
}

export interface VectorStore {
  readonly kind: string;
  /**
   * No other process writes this store (an embedded store in this process's data directory), so
   * what this process wrote is what it would read back, and its reads may be cached.
   */
  readonly exclusive: boolean;
  /** Creates the collection or verifies an existing one's dimension (DimensionMismatchError). */
  ensureCollection(spec: CollectionSpec, signal?: AbortSignal): Promise<void>;
  /** Inserts or replaces points by ID. */
  upsert(collection: string, points: Point[], signal?: AbortSignal): Promise<void>;
  delete(collection: string, ids: string[], signal?: AbortSignal): Promise<void>;
  /** The points that exist among `ids`, in no particular order. */
  get(collection: string, ids: string[], signal?: AbortSignal): Promise<Point[]>;
  /** Exact or approximate nearest neighbours by cosine similarity, best first. */
  search(collection: string, vector: number[], options: SearchOptions, signal?: AbortSignal): Promise<ScoredPoint[]>;
  /** Every point matching the filter, in no particular order. */
  scan(collection: string, filter: Condition[], signal?: AbortSignal): Promise<Point[]>;
  /** `scan` without the vectors, for callers that read only payloads (a restaurant's review texts). */
  scanPayloads(collection: string, filter: Condition[], signal?: AbortSignal): Promise<StoredPayload[]>;
  close(): Promise<void>;
}
