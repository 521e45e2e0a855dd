// The CLI against a real vector-search process: a CSV with bad rows is reported row by row, the
// rest is stored, and ingesting the same file again stores nothing twice.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";
import { main } from "../src/main.js";

const dir = mkdtempSync(join(tmpdir(), "cli-ingest-"));
const csv = join(dir, "reviews.csv");
writeFileSync(
  csv,
  [
    "review_id,restaurant_id,rating,created_at,text,image_captions",
    'c1,cli-r1,5,2026-03-01T12:00:00Z,"국물이 진하고 깊어요, 또 올게요",국밥 클로즈업|가게 외관',
    "c2,cli-r1,0,2026-03-02T12:00:00Z,별점이 범위를 벗어났어요,",
    "c3,cli-r1,4,2026-03-03T12:00:00Z,직원분들이 친절하세요.,",
    "c4,cli-r2,3,not-a-date,날짜가 잘못됐어요,",
    "c5,cli-r2,2,2026-03-05T12:00:00Z,,",
    "c6,cli-r2,1,2026-03-06T12:00:00Z,너무 짜서 다 못 먹었어요.,",
  ].join("\n"),
);

async function cli(...args: string[]) {
  const out: string[] = [];
  const code = await main(["node", "reviewlens", ...args], (s) => out.push(s));
  return { code, out: out.join("\n") };
}

describe("reviewlens ingest against vector-search", () => {
  let vectorSearch: ServiceProcess;
  before(async () => {
    vectorSearch = await startServiceProcess({ entry: "services/vector-search/src/main.ts", env: { DATA_DIR: join(dir, "data"), VECTOR_SEARCH_QUERY_EXPANSION: "false" } });
  });
  after(async () => {
    await vectorSearch?.stop();
  });

  it("stores the good rows once and names each bad row's line and field", async () => {
    const first = await cli("--vector-search", vectorSearch.address, "ingest", csv, "--json");
    assert.equal(first.code, 0);
    const summary = JSON.parse(first.out) as { rows: number; upserted: number; rejected: number; errors: Array<{ row: number; field: string }> };
    assert.equal(summary.rows, 6);
    assert.equal(summary.upserted, 3);
    assert.equal(summary.rejected, 3);
    assert.deepEqual(
      summary.errors.map((e) => [e.row, e.field]),
      [
        [2, "rating"],
        [4, "created_at"],
        [5, "text"],
      ],
    );

    const again = await cli("--vector-search", vectorSearch.address, "ingest", csv, "--json");
    assert.equal((JSON.parse(again.out) as { upserted: number }).upserted, 3, "a re-run upserts the same reviews (idempotent)");

    const found = await cli("--vector-search", vectorSearch.address, "search", "국물이 진하고 깊어요", "--top-k", "10", "--json");
    const results = (JSON.parse(found.out) as { results: Array<{ review: { reviewId: string } }> }).results.map((r) => r.review.reviewId).sort();
    assert.deepEqual(results, ["c1", "c3", "c6"], "exactly the three good reviews, each once");
  });

  it("leaves out hits under --min-score", async () => {
    const search = async (...extra: string[]) => {
      const r = await cli("--vector-search", vectorSearch.address, "search", "국물이 진하고 깊어요", "--json", ...extra);
      assert.equal(r.code, 0);
      return (JSON.parse(r.out) as { results: Array<{ review: { reviewId: string }; score: number }> }).results;
    };
    const all = await search();
    assert.equal(all.length, 3);
    // The best hit's own score as the threshold: the cut is inclusive, the two weaker hits go.
    assert.deepEqual(await search("--min-score", String(all[0]!.score)), [all[0]]);
    assert.deepEqual(await search("--min-score", "-1"), all);
  });

  it("prints a readable summary with the rejected rows", async () => {
    const r = await cli("--vector-search", vectorSearch.address, "ingest", csv);
    assert.equal(r.code, 0);
    assert.match(r.out, /6 rows, 3 stored, 3 rejected/);
    assert.match(r.out, /row 2: rating: must be an integer from 1 to 5/);
  });
});
