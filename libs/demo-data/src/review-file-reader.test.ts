import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readReviewFile, type ReviewRow } from "./review-file-reader.js";

const dir = mkdtempSync(join(tmpdir(), "review-files-"));
const collect = async (path: string) => {
  const rows: ReviewRow[] = [];
  for await (const row of readReviewFile(path)) rows.push(row);
  return rows;
};

describe("readReviewFile", () => {
  it("reads CSV rows, turns captions into images and reports bad rows with their field", async () => {
    const path = join(dir, "reviews.csv");
    writeFileSync(
      path,
      [
        "review_id,restaurant_id,rating,created_at,text,image_captions",
        'a1,r1,5,2026-01-01T10:00:00Z,"국물이 진해요, 최고",외관|메뉴판',
        "a2,r1,9,2026-01-01T10:00:00Z,별점이 이상해요,",
        "a3,r1,4,yesterday,날짜가 이상해요,",
        "a4,r1,3,2026-01-02T10:00:00+09:00,,",
        "a5,r2,2,2026-01-03T10:00:00Z,괜찮아요,",
      ].join("\n"),
    );
    const rows = await collect(path);
    assert.equal(rows.length, 5);
    const ok = rows.filter((r) => r.ok);
    assert.deepEqual(ok.map((r) => r.ok && r.review.review_id), ["a1", "a5"]);
    const first = rows[0]!;
    assert.ok(first.ok);
    assert.equal(first.review.text, "국물이 진해요, 최고");
    assert.deepEqual(first.review.images?.map((i) => i.caption), ["외관", "메뉴판"]);
    const errors = rows.filter((r) => !r.ok).map((r) => !r.ok && [r.row, r.error.field]);
    assert.deepEqual(errors, [[2, "rating"], [3, "created_at"], [4, "text"]]);
  });

  it("reads JSON Lines and reports lines that are not JSON", async () => {
    const path = join(dir, "reviews.jsonl");
    writeFileSync(path, ['{"review_id":"b1","restaurant_id":"r1","text":"좋아요","rating":4,"created_at":"2026-02-01T00:00:00Z"}', "{oops", ""].join("\n"));
    const rows = await collect(path);
    assert.equal(rows.length, 2);
    assert.ok(rows[0]!.ok);
    assert.ok(!rows[1]!.ok && rows[1]!.error.field === "(row)" && rows[1]!.row === 2);
  });

  it("reports a JSON line whose images are not objects of text fields, and reads numbers in them as text", async () => {
    const path = join(dir, "images.jsonl");
    const review = (images: unknown) => JSON.stringify({ review_id: "c1", restaurant_id: "r1", text: "좋아요", rating: 4, created_at: "2026-02-01T00:00:00Z", images });
    writeFileSync(path, [review([{ image_id: 7, url: "u" }]), review([{ url: { href: "u" } }]), review([null]), review(["u"])].join("\n"));
    const rows = await collect(path);
    assert.ok(rows[0]?.ok);
    assert.deepEqual(rows[0].review.images, [{ image_id: "7", url: "u", caption: "" }]);
    assert.deepEqual(rows.slice(1).map((r) => !r.ok && [r.row, r.error.field]), [[2, "images"], [3, "images"], [4, "images"]]);
  });

  it("refuses a CSV whose header is not the documented one", async () => {
    const path = join(dir, "bad-header.csv");
    writeFileSync(path, "id,text\n1,x\n");
    await assert.rejects(collect(path), /the CSV header must be review_id,restaurant_id,rating,created_at,text,image_captions/);
  });
});
