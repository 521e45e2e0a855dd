// Validates the options every analysis RPC takes; bad values name the field and change nothing.
import { common } from "@reviewlens/contracts";
import { InvalidArgumentError } from "@reviewlens/runtime";

export const DEFAULT_TOP_K = 20;
export const MAX_TOP_K = 200;
export const MAX_RESTAURANTS_PER_CALL = 200;

export interface ResolvedOptions {
  topK: number;
  force: boolean;
  priority: common.Priority;
}

const RESTAURANT_ID = /^[\w.:-]{1,128}$/;

export function resolveOptions(options: common.AnalysisOptions | undefined, defaultPriority = common.Priority.PRIORITY_STANDARD): ResolvedOptions {
  const topK = options?.topK || DEFAULT_TOP_K;
  if (topK > MAX_TOP_K) throw new InvalidArgumentError("options.top_k", `must be at most ${MAX_TOP_K}, got ${topK}`);
  const priority = options?.priority ?? common.Priority.PRIORITY_UNSPECIFIED;
  if (!Object.values(common.Priority).includes(priority) || priority === common.Priority.UNRECOGNIZED) {
    throw new InvalidArgumentError("options.priority", `unknown priority ${priority}`);
  }
  return { topK, force: options?.force ?? false, priority: priority === common.Priority.PRIORITY_UNSPECIFIED ? defaultPriority : priority };
}

export function checkRestaurantId(id: string, field = "restaurant_id"): string {
  if (!id) throw new InvalidArgumentError(field, "must not be empty");
  if (!RESTAURANT_ID.test(id)) throw new InvalidArgumentError(field, `"${id.slice(0, 40)}" is not a restaurant ID (letters, digits, _ . : -, at most 128)`);
  return id;
}

export function checkRestaurantIds(ids: string[]): string[] {
  if (ids.length === 0) throw new InvalidArgumentError("restaurant_ids", "must name at least one restaurant");
  if (ids.length > MAX_RESTAURANTS_PER_CALL) throw new InvalidArgumentError("restaurant_ids", `at most ${MAX_RESTAURANTS_PER_CALL} per call, got ${ids.length}`);
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    checkRestaurantId(id, `restaurant_ids[${i}]`);
    if (seen.has(id)) throw new InvalidArgumentError(`restaurant_ids[${i}]`, `"${id}" is listed twice`);
    seen.add(id);
  });
  return ids;
}

/** The non-default parameters of a call, e.g. "k=10;aspects=parking,taste" ("" for the defaults). */
export function variantOf(parts: Record<string, string | number | undefined>): string {
  return Object.entries(parts)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${k}=${v}`)
    .join(";");
}
