// `reviewlens ingest FILE`: streams reviews through UploadReviews in batches, with progress and a
// summary of rejected rows (rejected locally by format, or by the server by content). An upload cut
// off by the service going away (restart, crash) is sent again from the start: uploads are
// idempotent (point IDs come from review IDs, unchanged reviews are not rewritten).
import { setTimeout as sleep } from "node:timers/promises";
import { readReviewFile, toUploadReview, type ReviewRecord, type RowError } from "@reviewlens/demo-data";
import { ClientError, Status } from "nice-grpc";
import type { ServiceClients } from "../connection.js";
import { createProgress, type Progress } from "../progress.js";

export interface IngestSummary {
  file: string;
  rows: number;
  sent: number;
  upserted: number;
  rejected: number;
  restaurantsUpdated: number;
  errors: RowError[];
  seconds: number;
  /** Uploads sent: 1, plus one per retry after the service went away. */
  attempts: number;
}

export interface IngestOptions {
  batchSize: number;
  progress?: boolean;
  signal?: AbortSignal;
  /** Times an upload cut off by UNAVAILABLE (or the server cancelling it) is sent again; default 5. */
  retries?: number;
  /** First pause before a retry, doubled each time up to 5 s; default 1000. */
  retryDelayMs?: number;
}

/** The service went away mid-upload (restart, crash, drain timeout): sending it again is safe. */
function interrupted(error: unknown): boolean {
  return error instanceof ClientError && (error.code === Status.UNAVAILABLE || error.code === Status.CANCELLED);
}

async function countRows(path: string): Promise<number> {
  let n = 0;
  for await (const _ of readReviewFile(path)) n++;
  return n;
}

export async function ingestFile(clients: ServiceClients, path: string, options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const total = await countRows(path);
  const progress: Progress | undefined = options.progress === false ? undefined : createProgress("ingest", total);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return { ...(await uploadOnce(clients, path, options, progress)), seconds: (performance.now() - started) / 1000, attempts: attempt };
      } catch (error) {
        if (attempt > (options.retries ?? 5) || !interrupted(error) || options.signal?.aborted) throw error;
        await sleep(Math.min(5_000, (options.retryDelayMs ?? 1_000) * 2 ** (attempt - 1)), undefined, { signal: options.signal });
      }
    }
  } finally {
    progress?.stop();
  }
}

async function uploadOnce(clients: ServiceClients, path: string, options: IngestOptions, progress: Progress | undefined): Promise<Omit<IngestSummary, "seconds" | "attempts">> {
  const errors: RowError[] = [];
  const rowOfReview = new Map<string, number>();
  const rowOfIndex: number[] = [];
  let rows = 0;
  let sent = 0;

  async function* batches() {
    let batch: ReviewRecord[] = [];
    for await (const row of readReviewFile(path)) {
      rows++;
      if (!row.ok) errors.push(row.error);
      else {
        rowOfReview.set(row.review.review_id, row.row);
        rowOfIndex.push(row.row);
        batch.push(row.review);
      }
      if (batch.length >= options.batchSize) {
        sent += batch.length;
        yield { reviews: batch.map(toUploadReview) };
        batch = [];
      }
      progress?.update(rows, `${errors.length} rejected`);
    }
    if (batch.length > 0) {
      sent += batch.length;
      yield { reviews: batch.map(toUploadReview) };
    }
  }

  const response = await clients.vectorSearch.uploadReviews(batches(), clients.callOptions(options.signal));
  for (const e of response.errors) {
    errors.push({ row: rowOfReview.get(e.reviewId) ?? rowOfIndex[e.index] ?? e.index + 1, field: e.field || "(review)", message: e.message });
  }
  errors.sort((a, b) => a.row - b.row);
  return {
    file: path,
    rows,
    sent,
    upserted: response.upserted,
    rejected: rows - response.upserted,
    restaurantsUpdated: response.restaurantsUpdated,
    errors,
  };
}

export function formatIngestSummary(s: IngestSummary, maxErrors = 20): string {
  const lines = [
    `ingested ${s.file}: ${s.rows} rows, ${s.upserted} stored, ${s.rejected} rejected, ${s.restaurantsUpdated} restaurants updated in ${s.seconds.toFixed(1)} s` +
      (s.attempts > 1 ? ` (sent ${s.attempts} times: the service went away mid-upload)` : ""),
  ];
  if (s.errors.length > 0) {
    lines.push("rejected rows:");
    for (const e of s.errors.slice(0, maxErrors)) lines.push(`  row ${e.row}: ${e.field}: ${e.message}`);
    if (s.errors.length > maxErrors) lines.push(`  ... and ${s.errors.length - maxErrors} more (use --json for all)`);
  }
  return lines.join("\n");
}
