// Citations must name reviews that were in the prompt: unknown refs are removed and counted.
export interface CitationCheck {
  reviewIds: string[];
  unknown: string[];
}

export function checkCitations(cited: string[], refToReviewId: ReadonlyMap<string, string>): CitationCheck {
  const reviewIds: string[] = [];
  const unknown: string[] = [];
  for (const ref of cited) {
    const id = refToReviewId.get(ref);
    if (id === undefined) unknown.push(ref);
    else if (!reviewIds.includes(id)) reviewIds.push(id);
  }
  return { reviewIds, unknown };
}
