// What other packages use to put figures into the docs (the containers' figures, the docs check).
export { figureFile, invokedAs, writeDocsFigures, type FigureRun } from "./figure-file.js";
export { docPages, FIGURES_DIR, figuresBody, includedSubjects, refreshFigureIncludes, splicedPages, spliceFigures } from "./figure-includes.js";
