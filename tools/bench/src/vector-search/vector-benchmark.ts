// make bench-vector: ingestion rate with the default (hashing) embedder and TOP-K query latency at
// growing collection sizes, on LanceDB always and on Qdrant when VECTOR_SEARCH_QDRANT_URL is set, in one run so the
// figures compare side by side on this (shared, noisy) machine. Writes JSON and a Markdown report.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createHashingEmbedder } from "@reviewlens/embedder";
import { generateDataset, toUploadReview } from "@reviewlens/demo-data";
import {
  DEFAULT_WEIGHT_POLICY,
  isFieldProblem,
  openLanceDbVectorStore,
  openQdrantVectorStore,
  ReviewIndex,
  validateReview,
  type ReviewRecord,
  type VectorStore,
} from "@reviewlens/vector-search";
import { invokedAs, writeDocsFigures } from "../report/figure-file.js";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000" },
    queries: { type: "string", default: "300" },
    "batch-size": { type: "string", default: "256" },
    "reviews-per-restaurant": { type: "string", default: "200" },
    out: { type: "string", default: "bench-results" },
  },
});
const sizes = args.sizes.split(",").map(Number).sort((a, b) => a - b);
const queryCount = Number(args.queries);
const batchSize = Number(args["batch-size"]);
const perRestaurant = Number(args["reviews-per-restaurant"]);
const maxSize = sizes.at(-1)!;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function latencyStats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99), mean_ms: samples.reduce((a, b) => a + b, 0) / samples.length, n: samples.length };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const dataset = generateDataset({ seed: 7, restaurants: Math.ceil(maxSize / perRestaurant), reviewsPerRestaurant: perRestaurant, imageShare: 0.2 });
const records: ReviewRecord[] = dataset.reviews.slice(0, maxSize).map((r) => {
  const checked = validateReview(toUploadReview(r));
  if (isFieldProblem(checked)) throw new Error(`generated review ${r.review_id} is invalid: ${checked.field} ${checked.message}`);
  return checked;
});
const queryTexts = ["국물이 진하고 맛있어요", "직원이 친절해요", "가격 대비 양이 많아요", "웨이팅이 길어요", "분위기가 좋아요", "매장이 깨끗해요"];

async function benchStore(kind: string, store: VectorStore) {
  const embedder = createHashingEmbedder();
  const index = await ReviewIndex.open(store, embedder, DEFAULT_WEIGHT_POLICY);
  const results = [];
  let ingested = 0;
  for (const size of sizes) {
    const start = performance.now();
    for (let i = ingested; i < size; i += batchSize) await index.upsert(records.slice(i, Math.min(i + batchSize, size)));
    const seconds = (performance.now() - start) / 1000;
    const added = size - ingested;
    ingested = size;
    const restaurants = [...new Set(records.slice(0, size).map((r) => r.restaurantId))];
    const states = await index.restaurantStates(restaurants);
    const topK: number[] = [];
    const textSearch: number[] = [];
    for (let q = 0; q < queryCount; q++) {
      const state = states[q % states.length]!;
      topK.push(await timed(() => index.search(state.vector, { restaurantId: state.restaurantId }, { topK: 20 })));
      const text = queryTexts[q % queryTexts.length]!;
      textSearch.push(await timed(async () => index.search((await index.embed([text]))[0]!, {}, { topK: 20 })));
    }
    const row = {
      store: kind,
      size,
      ingest: { reviews: added, seconds, reviews_per_second: added / seconds, batch_size: batchSize },
      representative_top20_by_restaurant: latencyStats(topK),
      text_search_top20_all: latencyStats(textSearch),
    };
    console.log(JSON.stringify(row));
    results.push(row);
  }
  await index.close();
  return results;
}

const loadAtStart = loadavg()[0]!;
const embedder = createHashingEmbedder();
const sample = records.slice(0, 5_000).map((r) => r.text);
const embedSeconds = (await timed(() => embedder.embed(sample))) / 1000;

const runs: Awaited<ReturnType<typeof benchStore>> = [];
const lanceDir = mkdtempSync(join(tmpdir(), "reviewlens-bench-lance-"));
try {
  runs.push(...(await benchStore("lancedb", await openLanceDbVectorStore(lanceDir))));
} finally {
  rmSync(lanceDir, { recursive: true, force: true });
}
const qdrantUrl = process.env["VECTOR_SEARCH_QDRANT_URL"];
if (qdrantUrl) runs.push(...(await benchStore("qdrant", openQdrantVectorStore({ url: qdrantUrl, apiKey: process.env["VECTOR_SEARCH_QDRANT_API_KEY"], collectionPrefix: `bench_${Date.now()}_` }))));

const report = {
  benchmark: "vector-search",
  at: new Date().toISOString(),
  // The machine is shared: the 1-minute load average says how much else was running.
  machine: { cpus: cpus().length, node: process.version, load_average_start: loadAtStart, load_average_end: loadavg()[0]! },
  embedder: { kind: "hashing", dimension: embedder.dimension, texts_per_second: sample.length / embedSeconds },
  qdrant: qdrantUrl ? "measured" : "not measured: VECTOR_SEARCH_QDRANT_URL not set",
  runs,
};
const outDir = resolve(args.out);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "vector-search.json"), JSON.stringify(report, null, 2));
const lines = [
  `# vector-search benchmark (${report.at})`,
  "",
  `Hashing embedder alone: ${report.embedder.texts_per_second.toFixed(0)} texts/s. Qdrant: ${report.qdrant}. ` +
    `${report.machine.cpus} CPUs, load average ${report.machine.load_average_start.toFixed(1)} at start, ${report.machine.load_average_end.toFixed(1)} at end.`,
  "",
  "| store | reviews | ingest reviews/s | TOP-20 by restaurant p50 / p99 ms | text search TOP-20 p50 / p99 ms |",
  "|---|---|---|---|---|",
  ...runs.map(
    (r) =>
      `| ${r.store} | ${r.size} | ${r.ingest.reviews_per_second.toFixed(0)} | ${r.representative_top20_by_restaurant.p50_ms.toFixed(1)} / ${r.representative_top20_by_restaurant.p99_ms.toFixed(1)} | ${r.text_search_top20_all.p50_ms.toFixed(1)} / ${r.text_search_top20_all.p99_ms.toFixed(1)} |`,
  ),
  "",
  "Ratios (largest size over smallest, same store, same run):",
  ...[...new Set(runs.map((r) => r.store))].map((store) => {
    const own = runs.filter((r) => r.store === store);
    const [small, large] = [own[0]!, own.at(-1)!];
    return `- ${store}: TOP-20 p50 x${(large.representative_top20_by_restaurant.p50_ms / small.representative_top20_by_restaurant.p50_ms).toFixed(2)}, text search p50 x${(large.text_search_top20_all.p50_ms / small.text_search_top20_all.p50_ms).toFixed(2)}, ingest rate x${(large.ingest.reviews_per_second / small.ingest.reviews_per_second).toFixed(2)}`;
  }),
];
writeFileSync(join(outDir, "vector-search.md"), lines.join("\n") + "\n");
console.log(lines.join("\n"));
console.log(`written to ${outDir} and ${writeDocsFigures("vector-search", invokedAs("bench-vector", process.argv.slice(2)), lines.join("\n"))}`);
