// Deterministic Korean reviews for the integration tests: three restaurants, dates over two years,
// every rating, some photos with captions.
import type { common } from "@reviewlens/contracts";

const PHRASES: Record<string, string[]> = {
  noodle: ["국물이 진하고 면이 쫄깃해요", "칼국수 양이 많아요", "육수가 깔끔하고 시원합니다", "면이 좀 불어서 아쉬웠어요", "김치가 맛있어요"],
  bbq: ["고기가 두툼하고 육즙이 가득해요", "숯불 향이 좋아요", "직원분이 고기를 구워주셔서 편했어요", "연기가 많이 나요", "삼겹살이 최고"],
  cafe: ["라떼가 부드럽고 고소해요", "디저트 케이크가 달지 않아서 좋아요", "창가 자리 뷰가 예뻐요", "음악이 너무 시끄러웠어요", "원두 향이 좋아요"],
};
const CAPTIONS: Record<string, string[]> = {
  noodle: ["뽀얀 국물의 칼국수 한 그릇", "김치와 수육"],
  bbq: ["불판 위에서 익어가는 삼겹살", "된장찌개와 쌈채소"],
  cafe: ["라떼 아트가 그려진 카페라떼", "딸기 케이크 한 조각"],
};

export const RESTAURANTS = Object.keys(PHRASES);

export function fixtureReviews(perRestaurant = 20): common.Review[] {
  const reviews: common.Review[] = [];
  for (const restaurant of RESTAURANTS) {
    const phrases = PHRASES[restaurant]!;
    for (let i = 0; i < perRestaurant; i++) {
      const text = Array.from({ length: 1 + (i % 4) }, (_, j) => phrases[(i + j * 2) % phrases.length]).join(". ");
      const createdAt = new Date(Date.UTC(2024, 0, 1) + i * 36 * 86_400_000 + RESTAURANTS.indexOf(restaurant) * 3_600_000).toISOString();
      const images =
        i % 3 === 0
          ? [{ imageId: `${restaurant}-img-${i}`, url: `https://img.example/${restaurant}/${i}.jpg`, caption: CAPTIONS[restaurant]![i % 2]! }]
          : [];
      reviews.push({ reviewId: `${restaurant}-${i}`, restaurantId: restaurant, text, rating: (i % 5) + 1, createdAt, images });
    }
  }
  return reviews;
}
