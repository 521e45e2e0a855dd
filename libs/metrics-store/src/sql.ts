// The statements the store runs. Batches go in as one JSON parameter expanded by
// jsonb_to_recordset, so a batch is one round trip whatever its size; unique keys make a retried
// batch (the first try may have committed before the connection dropped) insert nothing twice.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { AnalysisMetricsRow, AnalysisState, AnalysisStateWrite, VllmMetricsRow } from "./rows.js";

type Queryable = Pick<pg.Pool, "query">;

/** An analysis row with the client-side key that makes its insert idempotent. */
export interface KeyedAnalysisRow {
  readonly rowId: string;
  readonly row: AnalysisMetricsRow;
  readonly createdAt: string;
}

export function keyAnalysisRow(row: AnalysisMetricsRow): KeyedAnalysisRow {
  return { rowId: randomUUID(), row, createdAt: (row.createdAt ?? new Date()).toISOString() };
}

export async function insertAnalysisMetrics(db: Queryable, rows: readonly KeyedAnalysisRow[]): Promise<void> {
  const json = rows.map(({ rowId, row: r, createdAt }) => ({
    row_id: rowId,
    restaurant_id: r.restaurantId,
    analysis_type: r.analysisType,
    status: r.status,
    processing_time_ms: r.processingTimeMs,
    tokens_used: r.tokensUsed,
    prompt_tokens: r.promptTokens ?? 0,
    cached_prompt_tokens: r.cachedPromptTokens ?? 0,
    output_tokens: r.outputTokens ?? 0,
    reviews_considered: r.reviewsConsidered,
    batch_size: r.batchSize,
    cache_hit: r.cacheHit,
    error_count: r.errorCount,
    warning_count: r.warningCount,
    created_at: createdAt,
  }));
  await db.query(
    `INSERT INTO analysis_metrics (row_id, restaurant_id, analysis_type, status, processing_time_ms, tokens_used,
       prompt_tokens, cached_prompt_tokens, output_tokens, reviews_considered, batch_size, cache_hit, error_count,
       warning_count, created_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(row_id uuid, restaurant_id text, analysis_type text,
       status text, processing_time_ms double precision, tokens_used integer, prompt_tokens integer,
       cached_prompt_tokens integer, output_tokens integer, reviews_considered integer, batch_size integer,
       cache_hit boolean, error_count integer, warning_count integer, created_at timestamptz)
     ON CONFLICT (row_id) DO NOTHING`,
    [JSON.stringify(json)],
  );
}

/** A vLLM row with its timestamp fixed when it was recorded, not when the batch is written. */
export interface StampedVllmRow {
  readonly row: VllmMetricsRow;
  readonly createdAt: string;
}

export function stampVllmRow(row: VllmMetricsRow): StampedVllmRow {
  return { row, createdAt: (row.createdAt ?? new Date()).toISOString() };
}

export async function insertVllmMetrics(db: Queryable, rows: readonly StampedVllmRow[]): Promise<void> {
  const json = rows.map(({ row: r, createdAt }) => ({
    request_id: r.requestId,
    restaurant_id: r.restaurantId ?? null,
    analysis_type: r.analysisType ?? null,
    tenant: r.tenant ?? "default",
    priority: r.priority,
    backend: r.backend,
    queue_ms: r.queueMs,
    ttft_ms: r.ttftMs,
    prefill_ms: r.prefillMs,
    decode_ms: r.decodeMs,
    e2e_ms: r.e2eMs,
    prompt_tokens: r.promptTokens,
    cached_prompt_tokens: r.cachedPromptTokens ?? 0,
    output_tokens: r.outputTokens,
    tpot_ms: r.tpotMs,
    tokens_per_s: r.tokensPerS,
    met_slo: r.metSlo,
    created_at: createdAt,
  }));
  await db.query(
    `INSERT INTO vllm_metrics (request_id, restaurant_id, analysis_type, tenant, priority, backend, queue_ms, ttft_ms,
       prefill_ms, decode_ms, e2e_ms, prompt_tokens, cached_prompt_tokens, output_tokens, tpot_ms, tokens_per_s,
       met_slo, created_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(request_id text, restaurant_id text, analysis_type text,
       tenant text, priority text, backend text, queue_ms double precision, ttft_ms double precision,
       prefill_ms double precision, decode_ms double precision, e2e_ms double precision, prompt_tokens integer,
       cached_prompt_tokens integer, output_tokens integer, tpot_ms double precision, tokens_per_s double precision,
       met_slo boolean, created_at timestamptz)
     ON CONFLICT (request_id) DO NOTHING`,
    [JSON.stringify(json)],
  );
}

interface StateRow {
  restaurant_id: string;
  analysis_type: string;
  last_success_at: Date | null;
  last_attempt_at: Date;
  review_count: number | null;
  vector_version: string | null;
  fencing: string;
  last_result: unknown;
}

function toState(r: StateRow): AnalysisState {
  return {
    restaurantId: r.restaurant_id,
    analysisType: r.analysis_type,
    lastSuccessAt: r.last_success_at ?? undefined,
    lastAttemptAt: r.last_attempt_at,
    reviewCount: r.review_count ?? undefined,
    vectorVersion: r.vector_version === null ? undefined : Number(r.vector_version),
    fencing: Number(r.fencing),
    lastResult: r.last_result ?? undefined,
  };
}

/** The primary-key lookup behind SKIP. */
export async function selectAnalysisState(
  db: Queryable,
  restaurantId: string,
  analysisType: string,
): Promise<AnalysisState | undefined> {
  const { rows } = await db.query<StateRow>(
    "SELECT * FROM analysis_state WHERE restaurant_id = $1 AND analysis_type = $2",
    [restaurantId, analysisType],
  );
  return rows[0] && toState(rows[0]);
}

export async function selectAnalysisStates(db: Queryable, analysisType?: string): Promise<AnalysisState[]> {
  const { rows } = await db.query<StateRow>(
    "SELECT * FROM analysis_state WHERE $1::text IS NULL OR analysis_type = $1 ORDER BY restaurant_id, analysis_type",
    [analysisType ?? null],
  );
  return rows.map(toState);
}

/**
 * Upserts an attempt; refused (returns false) when the stored fencing number is higher, so a holder
 * whose lock expired and was taken by someone else can never overwrite the newer result.
 */
export async function upsertAnalysisState(db: Queryable, w: AnalysisStateWrite): Promise<boolean> {
  const s = w.success;
  const result = await db.query(
    `INSERT INTO analysis_state AS s (restaurant_id, analysis_type, last_success_at, last_attempt_at,
       review_count, vector_version, fencing, last_result)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
     ON CONFLICT (restaurant_id, analysis_type) DO UPDATE SET
       last_attempt_at = GREATEST(s.last_attempt_at, EXCLUDED.last_attempt_at),
       fencing = EXCLUDED.fencing,
       last_success_at = COALESCE(EXCLUDED.last_success_at, s.last_success_at),
       review_count = CASE WHEN EXCLUDED.last_success_at IS NULL THEN s.review_count ELSE EXCLUDED.review_count END,
       vector_version = CASE WHEN EXCLUDED.last_success_at IS NULL THEN s.vector_version ELSE EXCLUDED.vector_version END,
       last_result = CASE WHEN EXCLUDED.last_success_at IS NULL THEN s.last_result ELSE EXCLUDED.last_result END
     WHERE s.fencing <= EXCLUDED.fencing`,
    [
      w.restaurantId,
      w.analysisType,
      s?.at ?? null,
      w.attemptAt,
      s?.reviewCount ?? null,
      s?.vectorVersion ?? null,
      w.fencing,
      s === undefined ? null : JSON.stringify(s.result ?? null),
    ],
  );
  return result.rowCount === 1;
}
