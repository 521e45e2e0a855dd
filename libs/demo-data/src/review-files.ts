// Writes reviews as JSON Lines or as CSV with the header SPEC.md names (captions joined by "|").
import { stringify } from "csv-stringify/sync";
import type { ReviewRecord } from "./dataset.js";

export const CSV_HEADER = ["review_id", "restaurant_id", "rating", "created_at", "text", "image_captions"] as const;

export function toJsonLines(reviews: readonly ReviewRecord[]): string {
  return reviews.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

export function toCsv(reviews: readonly ReviewRecord[]): string {
  const rows = reviews.map((r) => [r.review_id, r.restaurant_id, String(r.rating), r.created_at, r.text, (r.images ?? []).map((i) => i.caption).join("|")]);
  return stringify([[...CSV_HEADER], ...rows]);
}
