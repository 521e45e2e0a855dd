// What the generated parts of the docs should say now: docs/configuration.md from the config
// schemas, and every page that includes figures with the current docs/figures/*.md.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { splicedPages } from "@reviewlens/bench/figures";
import { configurationPage, CONFIGURATION_PAGE } from "./configuration-page.js";

export const DOCS_COMMAND = "make docs";

export interface DocFile {
  current: string | undefined;
  expected: string;
}

export function expectedDocs(root: string): Map<string, DocFile> {
  const configFile = join(root, CONFIGURATION_PAGE);
  const docs = new Map<string, DocFile>([[CONFIGURATION_PAGE, { current: existsSync(configFile) ? readFileSync(configFile, "utf8") : undefined, expected: configurationPage() }]]);
  for (const [page, file] of splicedPages(root)) docs.set(page, file);
  return docs;
}

/** The files whose text differs from what `make docs` would write. */
export function staleDocs(root: string): string[] {
  return [...expectedDocs(root)].filter(([, f]) => f.current !== f.expected).map(([path]) => path);
}
