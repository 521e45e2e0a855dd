// Reads reviews from JSON Lines or CSV (SPEC.md's formats), streaming, with per-row errors.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import type { ReviewRecord } from "./dataset.js";
import { CSV_HEADER } from "./review-files.js";

export interface RowError {
  row: number; // 1-based line (JSONL) or record (CSV, after the header)
  field: string;
  message: string;
}

export type ReviewRow = { ok: true; row: number; review: ReviewRecord } | { ok: false; row: number; error: RowError };

/** An image field's value that reads as text (a number reads as its digits); an object or list does not. */
type ImageField = string | number | boolean | null | undefined;
const isImageField = (x: unknown): x is ImageField => x === null || ["string", "number", "boolean", "undefined"].includes(typeof x);
const isImage = (img: unknown): img is Record<"image_id" | "url" | "caption", ImageField> =>
  typeof img === "object" && img !== null && !Array.isArray(img) && (["image_id", "url", "caption"] as const).every((f) => isImageField((img as Record<string, unknown>)[f]));

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks one candidate record; returns the first problem (field and reason) or the record. */
export function validateReview(value: unknown, row: number): ReviewRow {
  const fail = (field: string, message: string): ReviewRow => ({ ok: false, row, error: { row, field, message } });
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("(row)", "not a JSON object");
  const v = value as Record<string, unknown>;
  for (const field of ["review_id", "restaurant_id", "text"] as const) {
    if (typeof v[field] !== "string" || (v[field]).trim() === "") return fail(field, "must be a non-empty string");
  }
  const rating = typeof v["rating"] === "string" ? Number(v["rating"]) : v["rating"];
  if (typeof rating !== "number" || !Number.isInteger(rating) || rating < 1 || rating > 5) return fail("rating", "must be an integer from 1 to 5");
  if (typeof v["created_at"] !== "string" || !RFC3339.test(v["created_at"]) || Number.isNaN(Date.parse(v["created_at"]))) {
    return fail("created_at", "must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
  }
  const images = v["images"];
  if (images !== undefined && !(Array.isArray(images) && images.every(isImage))) return fail("images", "must be a list of {image_id, url, caption}");
  const review: ReviewRecord = {
    review_id: v["review_id"] as string,
    restaurant_id: v["restaurant_id"] as string,
    text: v["text"] as string,
    rating,
    created_at: v["created_at"],
  };
  if (images !== undefined && images.length > 0) {
    review.images = images.map((img, k) => ({
      image_id: String(img["image_id"] ?? `${review.review_id}-img${k + 1}`),
      url: String(img["url"] ?? ""),
      caption: String(img["caption"] ?? ""),
    }));
  }
  return { ok: true, row, review };
}

export function detectFormat(path: string): "jsonl" | "csv" {
  return /\.csv$/i.test(path) ? "csv" : "jsonl";
}

/** Yields every row of the file, valid or not, in order. */
export async function* readReviewFile(path: string, format = detectFormat(path)): AsyncGenerator<ReviewRow> {
  if (format === "jsonl") {
    let row = 0;
    for await (const line of createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity })) {
      row++;
      if (line.trim() === "") continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        yield { ok: false, row, error: { row, field: "(row)", message: "not valid JSON" } };
        continue;
      }
      yield validateReview(value, row);
    }
    return;
  }
  const parser = createReadStream(path).pipe(parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true }));
  let row = 0;
  let headerChecked = false;
  for await (const record of parser as AsyncIterable<Record<string, string>>) {
    row++;
    if (!headerChecked) {
      const missing = CSV_HEADER.filter((h) => h !== "image_captions" && !(h in record));
      if (missing.length > 0) throw new Error(`${path}: the CSV header must be ${CSV_HEADER.join(",")} (missing ${missing.join(", ")})`);
      headerChecked = true;
    }
    const captions = (record["image_captions"] ?? "").split("|").map((c) => c.trim()).filter((c) => c.length > 0);
    const id = record["review_id"] ?? "";
    yield validateReview(
      {
        review_id: id,
        restaurant_id: record["restaurant_id"],
        rating: record["rating"],
        created_at: record["created_at"],
        text: record["text"],
        images: captions.map((caption, k) => ({ image_id: `${id}-img${k + 1}`, url: "", caption })),
      },
      row,
    );
  }
}
