// Writes a seeded synthetic data set: reviews.jsonl, reviews.csv and truth.json (the ground truth).
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { generateDataset } from "./dataset.js";
import { toCsv, toJsonLines } from "./review-files.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "42" },
    restaurants: { type: "string", default: "10" },
    "reviews-per-restaurant": { type: "string" },
    "max-reviews": { type: "string", default: "200" },
    out: { type: "string", default: ".data/demo" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write("usage: demo-data [--seed N] [--restaurants N] [--reviews-per-restaurant N | --max-reviews N] [--out DIR]\n");
  process.exit(0);
}
const number = (name: string, raw: string | undefined) => {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < 1) {
    process.stderr.write(`demo-data: --${name} must be a positive integer (got ${JSON.stringify(raw)})\n`);
    process.exit(2);
  }
  return n;
};
const dataset = generateDataset({
  seed: number("seed", values.seed),
  restaurants: number("restaurants", values.restaurants),
  maxReviews: number("max-reviews", values["max-reviews"]),
  ...(values["reviews-per-restaurant"] ? { reviewsPerRestaurant: number("reviews-per-restaurant", values["reviews-per-restaurant"]) } : {}),
});
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "reviews.jsonl"), toJsonLines(dataset.reviews));
writeFileSync(join(out, "reviews.csv"), toCsv(dataset.reviews));
writeFileSync(join(out, "truth.json"), JSON.stringify(dataset.truth, null, 2));
process.stdout.write(`demo-data: ${dataset.reviews.length} reviews of ${dataset.truth.restaurants.length} restaurants (seed ${dataset.truth.seed}) in ${out}\n`);
