// `make readme-figures`: splices bench-results/**/*.md into README.md's figures blocks.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spliceFigures } from "./readme-figures.js";

const file = process.argv[2] ?? "README.md";
const { text, spliced, missing } = spliceFigures(readFileSync(file, "utf8"), (f) => (existsSync(f) ? readFileSync(f, "utf8") : undefined));
writeFileSync(file, text);
console.log(`${file}: ${spliced.length} figures blocks from ${spliced.join(", ") || "no file"}${missing.length ? `; kept (not measured here): ${missing.join(", ")}` : ""}`);
