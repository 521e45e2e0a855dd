// The docs include the benchmarks' figures by splicing docs/figures/<subject>.md between markers,
//   <!-- figures:gateway --> ... <!-- /figures:gateway -->
// so a rerun of a benchmark updates the pages and nobody copies numbers by hand.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

export const FIGURES_DIR = "docs/figures";

const MARKERS = /<!-- figures:([a-z0-9-]+) -->\n[\s\S]*?<!-- \/figures:\1 -->/g;
const OPENING = /<!-- figures:([a-z0-9-]+) -->/g;

/** Every subject a page includes, in order. */
export function includedSubjects(page: string): string[] {
  return [...page.matchAll(OPENING)].map((m) => m[1]!);
}

/**
 * The page with each marked block replaced by the subject's figures. Throws when an opening marker
 * has no closing one, so a broken include is never silently left stale.
 */
export function spliceFigures(page: string, figures: (subject: string) => string): string {
  const spliced = page.replace(MARKERS, (_, subject: string) => `<!-- figures:${subject} -->\n${figures(subject).trimEnd()}\n<!-- /figures:${subject} -->`);
  const opened = includedSubjects(page).length;
  const closed = [...page.matchAll(/<!-- \/figures:([a-z0-9-]+) -->/g)].length;
  if (opened !== closed || [...page.matchAll(MARKERS)].length !== opened) throw new Error("a <!-- figures:NAME --> marker has no matching <!-- /figures:NAME --> after it");
  return spliced;
}

/** A figures file without its leading "written by" comment: what a page shows. */
export function figuresBody(file: string): string {
  return file.replace(/^<!--[\s\S]*?-->\n/, "");
}

/** The README and every page under docs/ except the figures themselves. */
export function docPages(root: string): string[] {
  const pages = ["README.md"];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && path !== FIGURES_DIR) walk(path);
      else if (entry.isFile() && entry.name.endsWith(".md")) pages.push(path);
    }
  };
  if (existsSync(join(root, "docs"))) walk("docs");
  return pages;
}

/** Each page (path relative to root) as it should read with the current figures. */
export function splicedPages(root: string): Map<string, { current: string; expected: string }> {
  const read = (subject: string) => {
    const file = join(root, FIGURES_DIR, `${subject}.md`);
    if (!existsSync(file)) throw new Error(`${relative(root, file)} does not exist (a page includes figures:${subject})`);
    return figuresBody(readFileSync(file, "utf8"));
  };
  const out = new Map<string, { current: string; expected: string }>();
  for (const page of docPages(root)) {
    const current = readFileSync(join(root, page), "utf8");
    if (includedSubjects(current).length > 0) out.set(page, { current, expected: spliceFigures(current, read) });
  }
  return out;
}

/** Rewrites the pages whose included figures changed; returns their paths. */
export function refreshFigureIncludes(root: string): string[] {
  const changed: string[] = [];
  for (const [page, { current, expected }] of splicedPages(root)) {
    if (current === expected) continue;
    writeFileSync(join(root, page), expected);
    changed.push(page);
  }
  return changed;
}
