// A write intent marks a restaurant whose points are being written. The store has no transaction
// across collections, so a write first records an intent for every restaurant it touches, then
// writes reviews, photos and representative states, then removes the intents. An intent still
// there afterwards (the process was killed, the store failed midway) names the restaurants whose
// state and photos must be rebuilt from their review points, which are the source of truth.
import type { CollectionSpec, Point } from "./vector-store.js";

export const WRITE_INTENTS = "write_intents";

export const writeIntentsSpec: CollectionSpec = {
  name: WRITE_INTENTS,
  // The stores need a vector; an intent is looked up by ID only.
  dimension: 1,
  fields: { started_at: { type: "integer" } },
};

export function writeIntentPoint(restaurantId: string, startedAtMs: number): Point {
  return { id: restaurantId, vector: [1], payload: { started_at: startedAtMs } };
}
