// A random instance of a JSON schema, for `response_format: json_schema` (what guided decoding makes
// vLLM emit). Covers what structured-output schemas use: objects, arrays, enums/const, numbers and
// integers with (exclusive) bounds and multipleOf, strings with lengths and common formats,
// $ref into $defs/definitions, anyOf/oneOf/allOf, nullable types and objects' min/maxProperties.
// `pattern` is not honoured.
// Hand-written rather than json-schema-faker: it needs a per-request seeded source and bounded sizes.
// The grounded output mode subclasses the generator and replaces only the choices of content.
import type { RandomSource } from "./random-source.js";

export type Schema = Record<string, unknown>;
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface InstanceOptions {
  random: RandomSource;
  /** Words strings are made of. */
  words: readonly string[];
}

const MAX_DEPTH = 8;

export function randomJsonInstance(schema: unknown, options: InstanceOptions): JsonValue {
  return new InstanceGenerator(asSchema(schema), options).generate(asSchema(schema), 0);
}

export function asSchema(value: unknown): Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Schema) : {};
}

export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

export class InstanceGenerator {
  constructor(
    protected readonly root: Schema,
    protected readonly o: InstanceOptions,
  ) {}

  generate(input: Schema, depth: number): JsonValue {
    const schema = this.resolve(input);
    if ("const" in schema) return schema["const"] as JsonValue;
    if (Array.isArray(schema["enum"]) && schema["enum"].length > 0) return this.pickEnum(schema["enum"] as JsonValue[]);
    if (Array.isArray(schema["allOf"])) return this.generate(this.mergeAll(schema), depth);
    const branches = (schema["anyOf"] ?? schema["oneOf"]) as unknown[] | undefined;
    if (Array.isArray(branches) && branches.length > 0) return this.generate(this.preferNonNull(branches.map(asSchema)), depth);
    switch (this.typeOf(schema)) {
      case "object":
        return this.object(schema, depth);
      case "array":
        return this.array(schema, depth);
      case "integer":
        return this.integer(schema);
      case "number":
        return this.number(schema);
      case "boolean":
        return this.o.random.next() < 0.5;
      case "null":
        return null;
      default:
        return this.string(schema);
    }
  }

  protected resolve(schema: Schema): Schema {
    let current = schema;
    for (let hops = 0; typeof current["$ref"] === "string" && hops < 32; hops++) {
      const ref = current["$ref"];
      if (!ref.startsWith("#")) throw new Error(`$ref ${ref}: only references inside the schema are supported`);
      let target: unknown = this.root;
      for (const part of ref.slice(1).split("/").filter((p) => p !== "")) {
        target = asSchema(target)[decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~")];
      }
      if (target === undefined) throw new Error(`$ref ${ref} does not resolve`);
      const { $ref: _ignored, ...rest } = current;
      current = { ...asSchema(target), ...rest };
    }
    return current;
  }

  private mergeAll(schema: Schema): Schema {
    const { allOf, ...rest } = schema;
    let merged: Schema = rest;
    for (const part of allOf as unknown[]) {
      const p = this.resolve(asSchema(part));
      merged = {
        ...merged,
        ...p,
        properties: { ...asSchema(merged["properties"]), ...asSchema(p["properties"]) },
        required: [...((merged["required"] as string[]) ?? []), ...((p["required"] as string[]) ?? [])],
      };
    }
    return merged;
  }

  private preferNonNull(branches: Schema[]): Schema {
    const nonNull = branches.filter((b) => this.resolve(b)["type"] !== "null");
    return this.pick(nonNull.length > 0 && this.o.random.next() < 0.9 ? nonNull : branches);
  }

  protected typeOf(schema: Schema): string {
    const type = schema["type"];
    if (typeof type === "string") return type;
    if (Array.isArray(type) && type.length > 0) {
      const nonNull = type.filter((t) => t !== "null");
      return String(this.pick(nonNull.length > 0 && this.o.random.next() < 0.9 ? nonNull : type));
    }
    if ("properties" in schema || "additionalProperties" in schema) return "object";
    if ("items" in schema || "prefixItems" in schema) return "array";
    if ("minimum" in schema || "maximum" in schema || "exclusiveMinimum" in schema || "exclusiveMaximum" in schema) return "number";
    return "string";
  }

  protected object(schema: Schema, depth: number): JsonValue {
    const made = new Map<string, JsonValue>();
    const properties = asSchema(schema["properties"]);
    const required = new Set(Array.isArray(schema["required"]) ? (schema["required"] as string[]) : []);
    const optional = Object.keys(properties).filter((key) => !required.has(key));
    const minProperties = num(schema["minProperties"]) ?? 0;
    const maxProperties = num(schema["maxProperties"]) ?? Number.POSITIVE_INFINITY;
    // Room for optional properties beside the required ones, and how many minProperties needs.
    const room = Math.max(0, maxProperties - required.size);
    const needed = Math.min(room, optional.length, Math.max(0, minProperties - required.size));
    const chosen = depth < MAX_DEPTH ? this.chosenOptional(optional, room) : undefined;
    let optionalTaken = 0;
    for (const key of this.propertyOrder(properties)) {
      const include = required.has(key) || (chosen ? chosen.includes(key) : optionalTaken < room && depth < MAX_DEPTH && this.o.random.next() < 0.7);
      if (!include) continue;
      made.set(key, this.property(key, asSchema(properties[key]), depth + 1));
      if (!required.has(key)) optionalTaken++;
    }
    for (const key of optional) {
      if (optionalTaken >= needed) break;
      if (made.has(key)) continue;
      made.set(key, this.property(key, asSchema(properties[key]), depth + 1));
      optionalTaken++;
    }
    // The answer lists properties in the schema's order, whatever order they were made in.
    const out: { [key: string]: JsonValue } = {};
    for (const key of Object.keys(properties)) if (made.has(key)) out[key] = made.get(key)!;
    for (const key of required) if (!(key in out)) out[key] = this.property(key, this.additional(schema), depth + 1);
    const additional = schema["additionalProperties"];
    const allowsExtra = additional !== false && Object.keys(properties).length === 0;
    const extra = allowsExtra ? Math.min(maxProperties - Object.keys(out).length, Math.max(minProperties - Object.keys(out).length, depth < MAX_DEPTH ? this.o.random.int(1, 2) : 0)) : 0;
    for (let k = 0; k < extra; k++) out[`${this.word()}_${k}`] = this.generate(this.additional(schema), depth + 1);
    return out;
  }

  /**
   * The optional properties an object gets, chosen before any is made (at most `room`; the object
   * then adds others in the schema's order while minProperties wants more); undefined (the default):
   * each by chance as it comes, 70%, while there is room.
   */
  protected chosenOptional(_optional: string[], _room: number): string[] | undefined {
    return undefined;
  }

  /** The order properties are generated in (the schema's by default). */
  protected propertyOrder(properties: Schema): string[] {
    return Object.keys(properties);
  }

  /** One property's value. */
  protected property(_key: string, schema: Schema, depth: number): JsonValue {
    return this.generate(schema, depth);
  }

  private additional(schema: Schema): Schema {
    const additional = schema["additionalProperties"];
    return typeof additional === "object" && additional !== null ? (additional as Schema) : { type: "string", maxLength: 20 };
  }

  protected array(schema: Schema, depth: number): JsonValue {
    const prefix = Array.isArray(schema["prefixItems"]) ? (schema["prefixItems"] as unknown[]) : Array.isArray(schema["items"]) ? (schema["items"] as unknown[]) : [];
    const items = Array.isArray(schema["items"]) ? {} : asSchema(schema["items"]);
    const min = Math.max(num(schema["minItems"]) ?? 0, prefix.length > 0 ? prefix.length : 0);
    const length = depth >= MAX_DEPTH ? min : this.arrayLength(items, min, num(schema["maxItems"]));
    const unique = schema["uniqueItems"] === true;
    const seen = new Set<string>();
    const out: JsonValue[] = [];
    for (let attempts = 0; out.length < length && attempts < length * 20 + 20; attempts++) {
      const i = out.length;
      const value = this.generate(i < prefix.length ? asSchema(prefix[i]) : items, depth + 1);
      const key = JSON.stringify(value);
      if (unique && seen.has(key)) continue;
      seen.add(key);
      out.push(value);
    }
    return out;
  }

  /** How many items an array gets: at least `min`, at most `maxItems`; here at most 3 more than `min`. */
  protected arrayLength(_items: Schema, min: number, maxItems: number | undefined): number {
    const max = Math.max(min, Math.min(maxItems ?? min + 3, min + 3));
    return this.o.random.int(Math.max(min, max > 0 ? 1 : 0), max);
  }

  protected bounds(schema: Schema, integer: boolean): [number, number] {
    const step = integer ? 1 : 0.01;
    const exMin = num(schema["exclusiveMinimum"]);
    const exMax = num(schema["exclusiveMaximum"]);
    let min = num(schema["minimum"]) ?? (exMin !== undefined ? exMin + step : undefined);
    let max = num(schema["maximum"]) ?? (exMax !== undefined ? exMax - step : undefined);
    if (schema["exclusiveMinimum"] === true && min !== undefined) min += step; // draft-04 form
    if (schema["exclusiveMaximum"] === true && max !== undefined) max -= step;
    min ??= max !== undefined ? Math.min(0, max - 100) : 0;
    max ??= min + 100;
    return integer ? [Math.ceil(min), Math.floor(max)] : [min, max];
  }

  protected integer(schema: Schema): number {
    const [min, max] = this.bounds(schema, true);
    const multipleOf = num(schema["multipleOf"]);
    if (multipleOf && multipleOf > 0) return this.multiple(min, max, multipleOf);
    return this.o.random.int(min, Math.max(min, max));
  }

  protected number(schema: Schema): number {
    const [min, max] = this.bounds(schema, false);
    const multipleOf = num(schema["multipleOf"]);
    if (multipleOf && multipleOf > 0) return this.multiple(min, max, multipleOf);
    const lo = Math.ceil(min * 100);
    const hi = Math.floor(max * 100);
    return hi >= lo ? this.o.random.int(lo, hi) / 100 : min;
  }

  private multiple(min: number, max: number, m: number): number {
    const lo = Math.ceil(min / m);
    const hi = Math.floor(max / m);
    return Number((this.o.random.int(lo, Math.max(lo, hi)) * m).toPrecision(12));
  }

  protected string(schema: Schema): string {
    const r = this.o.random;
    switch (schema["format"]) {
      case "date":
        return `20${r.int(10, 29)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`;
      case "date-time":
        return `20${r.int(10, 29)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}T${pad(r.int(0, 23))}:${pad(r.int(0, 59))}:${pad(r.int(0, 59))}Z`;
      case "email":
        return `${this.word()}@example.com`;
      case "uri":
      case "url":
        return `https://example.com/${this.word()}`;
      case "uuid":
        return "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx".replace(/x/g, () => r.int(0, 15).toString(16));
    }
    const minLength = num(schema["minLength"]) ?? 0;
    const maxLength = Math.max(minLength, num(schema["maxLength"]) ?? Math.max(minLength, 40));
    const target = r.int(Math.max(minLength, Math.min(maxLength, 3)), Math.min(maxLength, Math.max(minLength, 40)));
    let text = this.word();
    while (text.length < target) text += ` ${this.word()}`;
    return text.slice(0, target);
  }

  protected word(): string {
    return this.pick(this.o.words);
  }

  /** One of an enum's values. */
  protected pickEnum(values: JsonValue[]): JsonValue {
    return this.pick(values);
  }

  protected pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.o.random.next() * values.length)]!;
  }
}

const pad = (n: number): string => String(n).padStart(2, "0");
