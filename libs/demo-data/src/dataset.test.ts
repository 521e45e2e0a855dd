import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateDataset } from "./dataset.js";
import { generic } from "./phrase-bank.js";
import { toCsv, toJsonLines } from "./review-files.js";

describe("generateDataset", () => {
  it("is reproducible from its seed and differs across seeds", () => {
    const a = generateDataset({ seed: 7, restaurants: 4 });
    const b = generateDataset({ seed: 7, restaurants: 4 });
    const c = generateDataset({ seed: 8, restaurants: 4 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.reviews.map((r) => r.text), c.reviews.map((r) => r.text));
  });

  it("produces valid, unique review records", () => {
    const { reviews } = generateDataset({ seed: 1, restaurants: 6 });
    const ids = new Set(reviews.map((r) => r.review_id));
    assert.equal(ids.size, reviews.length);
    for (const r of reviews) {
      assert.ok(r.rating >= 1 && r.rating <= 5 && Number.isInteger(r.rating));
      assert.ok(!Number.isNaN(Date.parse(r.created_at)));
      assert.match(r.text, /[가-힣]/, "Korean text");
      assert.ok(r.review_id.startsWith(`${r.restaurant_id}-`));
    }
    assert.ok(reviews.some((r) => (r.images?.length ?? 0) > 0), "some reviews carry photos");
  });

  it("gives a long tail of review counts unless a count is fixed", () => {
    const tail = generateDataset({ seed: 3, restaurants: 20, maxReviews: 200 }).truth.restaurants.map((r) => r.review_count);
    assert.equal(tail[0], 200);
    assert.ok(tail[19]! < tail[0] / 5, `last restaurant has far fewer reviews: ${tail.join(",")}`);
    const fixed = generateDataset({ seed: 3, restaurants: 5, reviewsPerRestaurant: 50 }).truth.restaurants;
    assert.ok(fixed.every((r) => r.review_count === 50));
  });

  it("keeps a ground truth that agrees with the reviews", () => {
    const { reviews, truth } = generateDataset({ seed: 11, restaurants: 5, reviewsPerRestaurant: 60 });
    const byId = new Map(reviews.map((r) => [r.review_id, r]));
    for (const restaurant of truth.restaurants) {
      const mine = truth.reviews.filter((t) => byId.get(t.review_id)!.restaurant_id === restaurant.restaurant_id);
      assert.equal(mine.filter((t) => t.label === "positive").length, restaurant.label_counts.positive);
      assert.ok(restaurant.strengths.length >= 1);
      for (const strength of restaurant.strengths) {
        for (const id of strength.review_ids) assert.equal(byId.get(id)!.restaurant_id, restaurant.restaurant_id);
      }
    }
    // Ratings follow the label: positive reviews rate higher on average than negative ones.
    const meanRating = (label: string) => {
      const rs = truth.reviews.filter((t) => t.label === label).map((t) => byId.get(t.review_id)!.rating);
      return rs.reduce((s, x) => s + x, 0) / rs.length;
    };
    assert.ok(meanRating("positive") > meanRating("negative"));
    // Generic praise is spread over many restaurants: it is not a signature.
    const withGeneric = new Set(reviews.filter((r) => r.text.includes(generic.positive[3])).map((r) => r.restaurant_id));
    assert.ok(withGeneric.size >= 3);
  });
});

describe("review files", () => {
  it("writes JSON Lines that parse back to the records", () => {
    const { reviews } = generateDataset({ seed: 2, restaurants: 2, reviewsPerRestaurant: 5 });
    const lines = toJsonLines(reviews).trim().split("\n").map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(lines, reviews);
  });

  it("writes CSV with the documented header and quotes text with commas", () => {
    const csv = toCsv([{ review_id: "a", restaurant_id: "r", rating: 5, created_at: "2026-01-01T00:00:00.000Z", text: "맛있어요, 정말", images: [{ image_id: "i1", url: "u", caption: "외관" }, { image_id: "i2", url: "u", caption: "메뉴" }] }]);
    const [header, row] = csv.trim().split("\n");
    assert.equal(header, "review_id,restaurant_id,rating,created_at,text,image_captions");
    assert.equal(row, 'a,r,5,2026-01-01T00:00:00.000Z,"맛있어요, 정말",외관|메뉴');
  });
});
