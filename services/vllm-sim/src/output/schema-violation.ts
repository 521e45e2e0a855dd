// A schema-invalid answer for the `schemaViolationRate` fault: what a model without guided decoding
// (or a broken grammar backend) sends back. It is still JSON, so clients must validate, not just parse.
import type { JsonValue } from "./json-schema-instance.js";

/**
 * The instance with the schema's first required property removed when the schema is an object
 * with required properties; otherwise a value of the wrong type (a string where none was asked
 * for, a number where a string was).
 */
export function violateSchema(schema: unknown, instance: JsonValue): JsonValue {
  const root = typeof schema === "object" && schema !== null ? (schema as Record<string, unknown>) : {};
  const required = Array.isArray(root["required"]) ? (root["required"] as unknown[]).filter((k): k is string => typeof k === "string") : [];
  if (required.length > 0 && typeof instance === "object" && instance !== null && !Array.isArray(instance)) {
    const { [required[0]!]: _dropped, ...rest } = instance;
    return rest;
  }
  return typeof instance === "string" ? 404 : "not what the schema asks for";
}
