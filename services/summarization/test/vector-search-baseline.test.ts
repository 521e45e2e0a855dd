// Step E's baseline against a real vector-search on loopback: the searches ask for matches only
// (min_score), and the prevalence counts are those of a search without a threshold whose hits are
// counted at the match similarity, as the baseline counted before it sent min_score.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { vectorsearch } from "@reviewlens/contracts";
import { generateDataset } from "@reviewlens/demo-data";
import { createServiceClient } from "@reviewlens/runtime";
import { startServiceProcess, uploadReviewRecords, type ServiceProcess } from "@reviewlens/testkit";
import { createVectorSearchBaseline, type BaselineSearchClient } from "../src/adapters/vector-search-baseline.js";

const { reviews } = generateDataset({ seed: 23, restaurants: 4, reviewsPerRestaurant: 40 });
const callOptions = (options?: { signal?: AbortSignal | undefined }) => (options?.signal ? { signal: options.signal } : {});
const CLAIMS = ["국물이 진하고 깊어요", "직원분들이 친절해요", "가격 대비 양이 많아요", "맛있어요", "화장실이 깨끗해요", "창가 자리 뷰가 좋아요"];

describe("vector-search baseline of step E", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "baseline-"));
  let service: ServiceProcess;
  let client: ReturnType<typeof createServiceClient<typeof vectorsearch.VectorSearchServiceDefinition>>["client"];
  let close = () => {};

  before(async () => {
    service = await startServiceProcess({ entry: "services/vector-search/src/main.ts", env: { DATA_DIR: dataDir, VECTOR_SEARCH_QUERY_EXPANSION: "false" }, timeoutMs: 120_000 });
    const c = createServiceClient(vectorsearch.VectorSearchServiceDefinition, service.address, { defaultDeadlineMs: 30_000 });
    client = c.client;
    close = () => c.channel.close();
    assert.equal((await uploadReviewRecords(service.address, reviews)).upserted, reviews.length);
  });
  after(async () => {
    close();
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The counts as the baseline made them before min_score: every hit up to 1000, counted at the threshold. */
  async function countedWithoutThreshold(claim: string, restaurantId: string, matchSimilarity: number) {
    const { results } = await client.searchSimilarReviews({ query: { $case: "text", value: claim }, topK: 1000 });
    assert.equal(results.length, reviews.length, "without a threshold every review comes back");
    const matches = results.filter((r) => r.score >= matchSimilarity);
    const own = (id: string | undefined) => id === restaurantId;
    return {
      ownMatches: matches.filter((r) => own(r.review?.restaurantId)).length,
      ownReviews: reviews.filter((r) => own(r.restaurant_id)).length,
      otherMatches: matches.filter((r) => !own(r.review?.restaurantId)).length,
      otherReviews: reviews.filter((r) => !own(r.restaurant_id)).length,
    };
  }

  it("counts the same matches while vector-search sends only the matches", async () => {
    const sent: Array<{ minScore: number; scores: number[] }> = [];
    const recording: BaselineSearchClient = {
      async searchSimilarReviews(request, options) {
        const response = await client.searchSimilarReviews(request, callOptions(options));
        sent.push({ minScore: request.minScore, scores: response.results.map((r) => r.score) });
        return response;
      },
      getRestaurantStats: (request, options) => client.getRestaurantStats(request, callOptions(options)),
    };
    let someButNotAll = 0;
    for (const matchSimilarity of [0.25, 0.4]) {
      const baseline = createVectorSearchBaseline(recording, { matchSimilarity, searchTopK: 1000 });
      for (const claim of CLAIMS) {
        for (const restaurantId of ["r001", "r003"]) {
          sent.length = 0;
          const expected = await countedWithoutThreshold(claim, restaurantId, matchSimilarity);
          assert.deepEqual(await baseline.prevalence(claim, restaurantId), expected, `${claim} at ${restaurantId}, ${matchSimilarity}`);
          assert.equal(sent.length, 1);
          assert.equal(sent[0]!.minScore, matchSimilarity);
          assert.equal(sent[0]!.scores.length, expected.ownMatches + expected.otherMatches, "only the matches travelled");
          const matched = expected.ownMatches + expected.otherMatches;
          if (matched > 0 && matched < reviews.length) someButNotAll++;
        }
      }
    }
    assert.ok(someButNotAll >= 8, `claims that match some reviews but not all: ${someButNotAll}`);
  });
});
