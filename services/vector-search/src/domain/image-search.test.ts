import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { searchImages, type ImageCandidate, type ImageSearchDeps } from "./image-search.js";
import { parseQueryExpansion, queryExpansionPrompt } from "./query-expansion.js";

const image = (id: string, url = `https://img/${id}.jpg`): ImageCandidate => ({ imageId: id, url, caption: `caption ${id}`, reviewId: `rv-${id}`, restaurantId: "r1", similarity: 0.5 });

function fixedDeps(expansion: string[] | Error, results: Record<string, ImageCandidate[]>): ImageSearchDeps & { searched: string[][] } {
  const searched: string[][] = [];
  return {
    searched,
    async expand() {
      if (expansion instanceof Error) throw expansion;
      return expansion;
    },
    async searchEach(queries) {
      searched.push(queries);
      return queries.map((q) => results[q] ?? []);
    },
  };
}

describe("image search fusion", () => {
  it("searches the query and every expansion and fuses them, best supported first", async () => {
    const deps = fixedDeps(["파스타 사진", "spaghetti"], {
      파스타: [image("a"), image("b")],
      "파스타 사진": [image("b"), image("c")],
      spaghetti: [image("b"), image("a")],
    });
    const result = await searchImages({ query: "파스타", topK: 10, expansions: 2 }, deps);
    assert.deepEqual(deps.searched, [["파스타", "파스타 사진", "spaghetti"]]);
    assert.deepEqual(result.expandedQueries, ["파스타 사진", "spaghetti"]);
    assert.deepEqual(result.images.map((i) => i.imageId), ["b", "a", "c"]);
    assert.deepEqual(result.images[0]!.matchedQueries, ["파스타", "파스타 사진", "spaghetti"]);
    assert.equal(result.expansionError, undefined);
  });

  it("shows the same photo once even when two reviews carry it", async () => {
    const shared = "https://img/shared.jpg";
    const deps = fixedDeps(["q2"], { q1: [image("x", shared), image("y")], q2: [{ ...image("z", shared), reviewId: "other" }] });
    const result = await searchImages({ query: "q1", topK: 10, expansions: 1 }, deps);
    assert.deepEqual(result.images.map((i) => i.url).sort(), [shared, "https://img/y.jpg"]);
  });

  it("cuts to top_k and falls back to the original query when expansion fails", async () => {
    const deps = fixedDeps(new Error("gateway unavailable"), { q: [image("a"), image("b"), image("c")] });
    const result = await searchImages({ query: "q", topK: 2, expansions: 3 }, deps);
    assert.deepEqual(deps.searched, [["q"]]);
    assert.deepEqual(result.images.map((i) => i.imageId), ["a", "b"]);
    assert.match(result.expansionError ?? "", /gateway unavailable/);
  });

  it("does not ask for expansions when expansions is 0", async () => {
    const deps = fixedDeps(new Error("must not be called"), { q: [image("a")] });
    const result = await searchImages({ query: "q", topK: 5, expansions: 0 }, deps);
    assert.equal(result.expansionError, undefined);
    assert.deepEqual(result.expandedQueries, []);
  });
});

describe("query expansion answers", () => {
  it("keeps distinct non-empty queries other than the original, up to the count", () => {
    const answer = JSON.stringify({ queries: [" 파스타 ", "크림 파스타", "크림 파스타", "", "토마토 스파게티", "봉골레"] });
    assert.deepEqual(parseQueryExpansion(answer, "파스타", 2), ["크림 파스타", "토마토 스파게티"]);
  });

  it("rejects answers that are not the schema's shape", () => {
    assert.throws(() => parseQueryExpansion("not json", "q", 3), /not JSON/);
    assert.throws(() => parseQueryExpansion('{"items": []}', "q", 3), /queries/);
  });

  it("asks for at most the requested count through the schema", () => {
    const prompt = queryExpansionPrompt("매운 떡볶이", 4);
    assert.equal((prompt.schema as { properties: { queries: { maxItems: number } } }).properties.queries.maxItems, 4);
    assert.match(prompt.messages[1]!.content, /매운 떡볶이/);
  });
});
