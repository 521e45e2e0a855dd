// Writes helm/<chart>/values.schema.json from chart-values-schema.ts (`npm run helm:schemas`).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { chartValuesSchemas, schemaText } from "./chart-values-schema.js";

const helmDir = join(import.meta.dirname, "..", "..", "helm");
for (const [chart, schema] of Object.entries(chartValuesSchemas())) {
  writeFileSync(join(helmDir, chart, "values.schema.json"), schemaText(schema));
  console.log(`helm/${chart}/values.schema.json`);
}
