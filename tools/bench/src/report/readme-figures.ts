// The README's measured figures come from the files the benchmarks write, not hand copies: a block
// between `<!-- figures: bench-results/<subject>/<file>.md -->` and `<!-- /figures -->` is replaced by
// that file's content, less a leading title (`# ...`: the README's section names it). A block whose
// file is missing (its benchmark not run here) stays as it was.

const BLOCK = /(<!-- figures: (\S+) -->\n)[\s\S]*?(<!-- \/figures -->)/g;

export interface SplicedFigures {
  text: string;
  /** Files whose content went in. */
  spliced: string[];
  /** Files named by a block but not found (the block kept). */
  missing: string[];
}

export function spliceFigures(text: string, read: (file: string) => string | undefined): SplicedFigures {
  const spliced: string[] = [];
  const missing: string[] = [];
  const out = text.replace(BLOCK, (block, open: string, file: string, close: string) => {
    const content = read(file);
    if (content === undefined) {
      missing.push(file);
      return block;
    }
    spliced.push(file);
    return `${open}${content.replace(/^# .*\n+/, "").trimEnd()}\n${close}`;
  });
  return { text: out, spliced, missing };
}
