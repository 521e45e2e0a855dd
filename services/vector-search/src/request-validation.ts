// Checks of request fields: each failure is an InvalidArgumentError naming the field.
import type { common, vectorsearch } from "@reviewlens/contracts";
import { InvalidArgumentError, quoted } from "@reviewlens/runtime";
import { parseRfc3339 } from "./domain/review.js";
import type { ReviewFilter } from "./review-index.js";

export function topK(value: number, field: string, fallback: number, max: number): number {
  if (value === 0) return fallback;
  if (value > max) throw new InvalidArgumentError(field, `must be from 1 to ${max} (0 means ${fallback}), got ${value}`);
  return value;
}

/** A cosine threshold: 0 means none (undefined), otherwise within [-1, 1]. */
export function minScore(value: number, field: string): number | undefined {
  if (!(value >= -1 && value <= 1)) throw new InvalidArgumentError(field, `must be a cosine similarity from -1 to 1 (0 means no threshold), got ${value}`);
  return value === 0 ? undefined : value;
}

export function queryText(text: string, field: string, maxChars: number): string {
  if (text.trim() === "") throw new InvalidArgumentError(field, "must not be empty");
  if (text.length > maxChars) throw new InvalidArgumentError(field, `must be at most ${maxChars} characters, got ${text.length}`);
  return text;
}

export function queryVector(values: number[], field: string, dimension: number): number[] {
  if (values.length !== dimension) throw new InvalidArgumentError(field, `must have ${dimension} values (the embedding dimension), got ${values.length}`);
  if (!values.every(Number.isFinite)) throw new InvalidArgumentError(field, "must contain only finite numbers");
  if (values.every((x) => x === 0)) throw new InvalidArgumentError(field, "must not be the zero vector (cosine similarity is undefined)");
  return values;
}

function ratingRange(range: common.RatingRange | undefined, field: string): ReviewFilter["rating"] {
  if (!range || (range.min === 0 && range.max === 0)) return undefined;
  const min = range.min === 0 ? 1 : range.min;
  const max = range.max === 0 ? 5 : range.max;
  if (min < 1 || min > 5) throw new InvalidArgumentError(`${field}.min`, `must be from 1 to 5, got ${min}`);
  if (max < 1 || max > 5) throw new InvalidArgumentError(`${field}.max`, `must be from 1 to 5, got ${max}`);
  if (min > max) throw new InvalidArgumentError(field, `min ${min} is above max ${max}`);
  return { min, max };
}

function timestamp(value: string, field: string): number | undefined {
  if (value === "") return undefined;
  const ms = parseRfc3339(value);
  if (ms === undefined) throw new InvalidArgumentError(field, `must be an RFC 3339 date-time such as 2024-05-01T00:00:00Z, got ${quoted(value)}`);
  return ms;
}

export function reviewFilter(filter: vectorsearch.ReviewFilter | undefined, field = "filter"): ReviewFilter {
  if (!filter) return {};
  const createdFromMs = timestamp(filter.created?.from ?? "", `${field}.created.from`);
  const createdToMs = timestamp(filter.created?.to ?? "", `${field}.created.to`);
  if (createdFromMs !== undefined && createdToMs !== undefined && createdFromMs >= createdToMs) {
    throw new InvalidArgumentError(`${field}.created`, "from must be before to");
  }
  const rating = ratingRange(filter.rating, `${field}.rating`);
  return {
    ...(filter.restaurantId ? { restaurantId: filter.restaurantId } : {}),
    ...(rating ? { rating } : {}),
    ...(createdFromMs !== undefined ? { createdFromMs } : {}),
    ...(createdToMs !== undefined ? { createdToMs } : {}),
    ...(filter.withImages ? { withImages: true } : {}),
  };
}
