// `reviewlens ingest FILE`: streams reviews through UploadReviews in batches, with progress and a
// summary of rejected rows (rejected locally by format, or by the server by content).
import { readReviewFile, toUploadReview, type ReviewRecord, type RowError } from "@reviewlens/demo-data";
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
}

export interface IngestOptions {
  batchSize: number;
  progress?: boolean;
  signal?: AbortSignal;
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

  try {
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
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    progress?.stop();
  }
}

export function formatIngestSummary(s: IngestSummary, maxErrors = 20): string {
  const lines = [
    `ingested ${s.file}: ${s.rows} rows, ${s.upserted} stored, ${s.rejected} rejected, ${s.restaurantsUpdated} restaurants updated in ${s.seconds.toFixed(1)} s`,
  ];
  if (s.errors.length > 0) {
    lines.push("rejected rows:");
    for (const e of s.errors.slice(0, maxErrors)) lines.push(`  row ${e.row}: ${e.field}: ${e.message}`);
    if (s.errors.length > maxErrors) lines.push(`  ... and ${s.errors.length - maxErrors} more (use --json for all)`);
  }
  return lines.join("\n");
}
