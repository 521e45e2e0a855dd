// Seeded synthetic Korean restaurant reviews with the ground truth they were drawn from.
import { SeededRandom } from "@reviewlens/seeded-random";
import { ASPECTS, aspectPhrases, cuisines, generic, imageCaptions, namePrefixes, signatureStrengths, type Aspect, type Polarity } from "./phrase-bank.js";

export interface ReviewImage {
  image_id: string;
  url: string;
  caption: string;
}

/** The review record of SPEC.md ("Review record and ports"), as the CLI reads it. */
export interface ReviewRecord {
  review_id: string;
  restaurant_id: string;
  text: string;
  rating: number;
  created_at: string;
  images?: ReviewImage[];
}

export interface RestaurantTruth {
  restaurant_id: string;
  name: string;
  cuisine: string;
  review_count: number;
  /** Mean polarity per aspect the generator used (-1 to 1). */
  aspect_quality: Record<Aspect, number>;
  /** Distinctive strengths: specific praise only this restaurant's reviews carry. */
  strengths: Array<{ id: string; aspect: Aspect; statement: string; review_ids: string[] }>;
  label_counts: Record<Polarity, number>;
  positive_ratio: number;
}

export interface ReviewTruth {
  review_id: string;
  label: Polarity;
  aspects: Partial<Record<Aspect, Polarity>>;
  strength_ids: string[];
}

export interface Dataset {
  reviews: ReviewRecord[];
  truth: { seed: number; restaurants: RestaurantTruth[]; reviews: ReviewTruth[] };
}

export interface DatasetOptions {
  seed?: number;
  restaurants?: number;
  /** Fixed reviews per restaurant; unset: long-tailed counts (rank r gets about maxReviews / r^0.8). */
  reviewsPerRestaurant?: number;
  maxReviews?: number;
  /** Reviews fall in the year before this instant. */
  until?: Date;
  imageShare?: number;
}

const polarityOf = (score: number): Polarity => (score > 0.25 ? "positive" : score < -0.25 ? "negative" : "neutral");

export function generateDataset(options: DatasetOptions = {}): Dataset {
  const seed = options.seed ?? 42;
  const rng = new SeededRandom(seed);
  const restaurantCount = options.restaurants ?? 10;
  const maxReviews = options.maxReviews ?? 200;
  const until = (options.until ?? new Date("2026-11-01T00:00:00Z")).getTime();
  const imageShare = options.imageShare ?? 0.3;
  const reviews: ReviewRecord[] = [];
  const restaurants: RestaurantTruth[] = [];
  const reviewTruth: ReviewTruth[] = [];

  for (let r = 0; r < restaurantCount; r++) {
    const restaurantId = `r${String(r + 1).padStart(3, "0")}`;
    const cuisine = rng.pick(cuisines);
    const name = `${rng.pick(namePrefixes)} ${cuisine.name}`;
    const baseQuality = rng.normal() * 0.35 + 0.3;
    const quality = Object.fromEntries(ASPECTS.map((a) => [a, clamp(baseQuality + rng.normal() * 0.3, -0.9, 0.95)])) as Record<Aspect, number>;
    const strengths = rng.sample(signatureStrengths, rng.int(1, 2)).map((s) => ({ ...s, review_ids: [] as string[] }));
    for (const s of strengths) quality[s.aspect] = Math.max(quality[s.aspect], 0.7);
    const count = options.reviewsPerRestaurant ?? Math.max(3, Math.round(maxReviews / Math.pow(r + 1, 0.8)));
    const labels: Record<Polarity, number> = { positive: 0, negative: 0, neutral: 0 };

    for (let i = 0; i < count; i++) {
      const reviewId = `${restaurantId}-rv${String(i + 1).padStart(4, "0")}`;
      const dish = rng.pick(cuisine.dishes);
      const mentioned = rng.sample(ASPECTS, rng.int(1, 3));
      const aspectTruth: Partial<Record<Aspect, Polarity>> = {};
      const sentences: string[] = [];
      const strengthIds: string[] = [];
      let total = 0;
      for (const aspect of mentioned) {
        const score = clamp(quality[aspect] + rng.normal() * 0.45, -1, 1);
        const polarity = polarityOf(score);
        aspectTruth[aspect] = polarity;
        total += score;
        const strength = strengths.find((s) => s.aspect === aspect);
        if (strength && polarity === "positive" && rng.chance(0.7)) {
          sentences.push(rng.pick(strength.phrases));
          strength.review_ids.push(reviewId);
          strengthIds.push(strength.id);
        } else {
          sentences.push(rng.pick(aspectPhrases[aspect][polarity]).replace("{dish}", dish));
        }
      }
      const label = polarityOf(total / mentioned.length);
      if (rng.chance(0.5)) sentences.push(rng.pick(generic[label]));
      labels[label]++;
      const rating = clamp(Math.round(3 + (total / mentioned.length) * 2 + rng.normal() * 0.4), 1, 5);
      const createdAt = new Date(until - Math.floor(rng.next() * 365 * 24 * 3600 * 1000));
      const record: ReviewRecord = { review_id: reviewId, restaurant_id: restaurantId, text: sentences.join(" "), rating, created_at: createdAt.toISOString() };
      if (rng.chance(imageShare)) {
        const dishNoun = dish.replace(/[이가]$/, "");
        record.images = Array.from({ length: rng.int(1, 2) }, (_, k) => ({
          image_id: `${reviewId}-img${k + 1}`,
          url: `https://images.example.invalid/${restaurantId}/${reviewId}-${k + 1}.jpg`,
          caption: rng.pick(imageCaptions).replace("{dish_noun}", dishNoun),
        }));
      }
      reviews.push(record);
      reviewTruth.push({ review_id: reviewId, label, aspects: aspectTruth, strength_ids: strengthIds });
    }
    const labelled = labels.positive + labels.negative + labels.neutral;
    restaurants.push({
      restaurant_id: restaurantId,
      name,
      cuisine: cuisine.name,
      review_count: count,
      aspect_quality: quality,
      strengths: strengths.map(({ id, aspect, statement, review_ids }) => ({ id, aspect, statement, review_ids })),
      label_counts: labels,
      positive_ratio: labelled === 0 ? 0 : labels.positive / labelled,
    });
  }
  return { reviews, truth: { seed, restaurants, reviews: reviewTruth } };
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
