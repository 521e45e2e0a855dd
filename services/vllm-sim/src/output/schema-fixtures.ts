// Schemas with every construct the instance generators cover (both output modes' tests use them).
export const schemas: Array<Record<string, unknown>> = [
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
