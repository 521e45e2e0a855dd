import assert from "node:assert/strict";
import { test } from "node:test";
import { Ajv } from "ajv";
import { randomJsonInstance } from "./json-schema-instance.js";
import { createRandom } from "./random-source.js";

const words = ["good", "food", "service", "kimchi", "noodle", "price"];
const ajv = new Ajv({ strict: false });

const schemas: Array<Record<string, unknown>> = [
  { type: "string", minLength: 50, maxLength: 60 },
  { type: "string", maxLength: 0 },
  { type: "integer", minimum: -5, maximum: -5 },
  { type: "number", exclusiveMinimum: 0.5, exclusiveMaximum: 0.6 },
  { type: "integer", multipleOf: 7, minimum: 10, maximum: 30 },
  { type: ["string", "null"], format: "email" },
  { type: "array", items: { enum: [1, 2, 3] }, minItems: 3, maxItems: 3, uniqueItems: true },
  { type: "array", prefixItems: [{ type: "boolean" }, { type: "string", format: "uuid" }], minItems: 2 },
  { type: "object", additionalProperties: { type: "integer", minimum: 0 }, minProperties: 2 },
  { allOf: [{ type: "object", properties: { a: { type: "string" } }, required: ["a"] }, { properties: { b: { type: "integer" } }, required: ["b"] }] },
  { oneOf: [{ type: "string", format: "date-time" }, { type: "integer", minimum: 1000 }] },
  { definitions: { node: { type: "object", properties: { v: { type: "integer" }, kids: { type: "array", items: { $ref: "#/definitions/node" } } }, required: ["v"] } }, $ref: "#/definitions/node" },
];

test("random instances validate against their schema for many seeds", () => {
  for (const [i, schema] of schemas.entries()) {
    const validate = ajv.compile(schema);
    for (let seed = 0; seed < 40; seed++) {
      const value = randomJsonInstance(schema, { random: createRandom(seed), words });
      assert.ok(validate(value), `schema ${i} seed ${seed}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
    }
  }
});

test("the same seed gives the same instance", () => {
  const schema = schemas[11]!;
  assert.deepEqual(randomJsonInstance(schema, { random: createRandom(3), words }), randomJsonInstance(schema, { random: createRandom(3), words }));
});

test("unresolvable and external references are errors", () => {
  assert.throws(() => randomJsonInstance({ $ref: "#/$defs/x" }, { random: createRandom(1), words }), /does not resolve/);
  assert.throws(() => randomJsonInstance({ $ref: "https://example.com/s.json" }, { random: createRandom(1), words }), /only references inside/);
});
