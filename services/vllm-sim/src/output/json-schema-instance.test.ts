import assert from "node:assert/strict";
import { test } from "node:test";
import { Ajv } from "ajv";
import { randomJsonInstance } from "./json-schema-instance.js";
import { createRandom } from "./random-source.js";
import { schemas } from "./schema-fixtures.js";

const words = ["good", "food", "service", "kimchi", "noodle", "price"];
const ajv = new Ajv({ strict: false });

test("random instances validate against their schema for many seeds", () => {
  for (const [i, schema] of schemas.entries()) {
    const validate = ajv.compile(schema);
    for (let seed = 0; seed < 40; seed++) {
      const value = randomJsonInstance(schema, { random: createRandom(seed), words });
      assert.ok(validate(value), `schema ${i} seed ${seed}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
    }
  }
});

test("optional properties stay within maxProperties and reach minProperties", () => {
  const properties = Object.fromEntries(["a", "b", "c", "d", "e", "f"].map((k) => [k, { type: "integer" }]));
  const capped = { type: "object", properties, required: ["f"], maxProperties: 2 };
  for (let seed = 0; seed < 40; seed++) {
    const value = randomJsonInstance(capped, { random: createRandom(seed), words }) as Record<string, number>;
    assert.ok("f" in value, "required stays");
    assert.ok(Object.keys(value).length <= 2, `seed ${seed}: ${JSON.stringify(value)} has more than two`);
  }
  const atLeast = { type: "object", properties, minProperties: 6 };
  for (let seed = 0; seed < 10; seed++) assert.equal(Object.keys(randomJsonInstance(atLeast, { random: createRandom(seed), words }) as object).length, 6);
});

test("the same seed gives the same instance", () => {
  const schema = schemas[11]!;
  assert.deepEqual(randomJsonInstance(schema, { random: createRandom(3), words }), randomJsonInstance(schema, { random: createRandom(3), words }));
});

test("unresolvable and external references are errors", () => {
  assert.throws(() => randomJsonInstance({ $ref: "#/$defs/x" }, { random: createRandom(1), words }), /does not resolve/);
  assert.throws(() => randomJsonInstance({ $ref: "https://example.com/s.json" }, { random: createRandom(1), words }), /only references inside/);
});
