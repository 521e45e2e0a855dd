import assert from "node:assert/strict";
import { test } from "node:test";
import { Ajv } from "ajv";
import { randomJsonInstance } from "./json-schema-instance.js";
import { createRandom } from "./random-source.js";
import { violateSchema } from "./schema-violation.js";

const schemas: Record<string, object> = {
  object: { type: "object", properties: { label: { enum: ["positive", "negative"] }, confidence: { type: "number" } }, required: ["label", "confidence"] },
  "object without required": { type: "object", properties: { note: { type: "string" } }, additionalProperties: false },
  array: { type: "array", items: { type: "integer" }, minItems: 1 },
  string: { type: "string", maxLength: 20 },
};

for (const [name, schema] of Object.entries(schemas)) {
  test(`${name}: the valid instance passes and its violation fails the same schema`, () => {
    const validate = new Ajv({ strict: false }).compile(schema);
    for (let seed = 1; seed <= 5; seed++) {
      const instance = randomJsonInstance(schema, { random: createRandom(seed), words: ["맛", "좋아요"] });
      assert.ok(validate(instance), JSON.stringify(instance));
      assert.equal(validate(violateSchema(schema, instance)), false, JSON.stringify(violateSchema(schema, instance)));
    }
  });
}
