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

test("the same seed gives the same instance", () => {
  const schema = schemas[11]!;
  assert.deepEqual(randomJsonInstance(schema, { random: createRandom(3), words }), randomJsonInstance(schema, { random: createRandom(3), words }));
});

test("unresolvable and external references are errors", () => {
  assert.throws(() => randomJsonInstance({ $ref: "#/$defs/x" }, { random: createRandom(1), words }), /does not resolve/);
  assert.throws(() => randomJsonInstance({ $ref: "https://example.com/s.json" }, { random: createRandom(1), words }), /only references inside/);
});
