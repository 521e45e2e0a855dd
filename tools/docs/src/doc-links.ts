// Relative links between the README and the docs pages, and the headings they point at: a page
// moved or a heading renamed breaks a link silently on GitHub, so the docs test lists them.
import { dirname, join, normalize } from "node:path";
import GithubSlugger from "github-slugger";

/** Fenced code blocks, whose text is neither a link nor a heading. */
const FENCED = /^```[\s\S]*?^```/gm;
const LINK = /\]\(([^)\s]+)\)/g;
const HEADING = /^#{1,6} (.+)$/gm;

/** The anchors GitHub gives a page's headings (repeats get -1, -2, ... as GitHub numbers them). */
export function headingAnchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const text = markdown.replace(FENCED, "");
  // GitHub slugs the rendered heading: link targets and code backticks are not part of it.
  return new Set([...text.matchAll(HEADING)].map((m) => slugger.slug(m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/`/g, ""))));
}

/**
 * Every relative link of the given pages (path -> text, paths relative to the repository root)
 * whose file does not exist or, for a markdown target, whose #anchor is no heading of it.
 * `exists` answers for files outside the pages (source folders, scripts).
 */
export function brokenLinks(pages: Map<string, string>, exists: (path: string) => boolean): string[] {
  const anchors = new Map([...pages].map(([path, text]) => [path, headingAnchors(text)]));
  const broken: string[] = [];
  for (const [page, text] of pages) {
    for (const [, link] of text.replace(FENCED, "").matchAll(LINK)) {
      if (/^[a-z][a-z+.-]*:/i.test(link!)) continue; // http:, https:, mailto:
      const [path, anchor] = link!.split("#", 2) as [string, string | undefined];
      const target = path === "" ? page : normalize(join(dirname(page), path)).replace(/\/$/, "");
      if (!pages.has(target) && !exists(target)) broken.push(`${page}: ${link} (no such file)`);
      else if (anchor && target.endsWith(".md") && !anchors.get(target)?.has(anchor)) broken.push(`${page}: ${link} (no such heading)`);
    }
  }
  return broken;
}
