// Conditions as a DataFusion SQL predicate (LanceDB's `where`). Field names come from the collection
// spec, never from requests; values are literals with quotes escaped.
import type { Condition, PayloadValue } from "../vector-store.js";

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function literal(value: PayloadValue): string {
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

function column(field: string): string {
  if (!IDENTIFIER.test(field)) throw new RangeError(`not a payload field name: ${field}`);
  return field;
}

/** `undefined` when there is nothing to filter on. */
export function conditionsToSql(conditions: Condition[]): string | undefined {
  const parts: string[] = [];
  for (const condition of conditions) {
    const name = column(condition.field);
    if ("equals" in condition) parts.push(`${name} = ${literal(condition.equals)}`);
    else if ("anyOf" in condition) parts.push(condition.anyOf.length === 0 ? "false" : `${name} IN (${condition.anyOf.map(literal).join(", ")})`);
    else {
      const { gte, lte, lt } = condition.range;
      if (gte !== undefined) parts.push(`${name} >= ${literal(gte)}`);
      if (lte !== undefined) parts.push(`${name} <= ${literal(lte)}`);
      if (lt !== undefined) parts.push(`${name} < ${literal(lt)}`);
    }
  }
  return parts.length === 0 ? undefined : parts.join(" AND ");
}
