// Korean phrases the generator composes reviews from, by aspect and polarity. Signature phrases
// are specific praise that only a restaurant with that strength gets: the ground truth for
// strength extraction (generic praise such as "맛있어요" is shared by every restaurant).

export const ASPECTS = ["taste", "service", "price_value", "ambience", "cleanliness", "waiting_time", "portion"] as const;
export type Aspect = (typeof ASPECTS)[number];

export type Polarity = "positive" | "negative" | "neutral";

export const aspectPhrases: Record<Aspect, Record<Polarity, readonly string[]>> = {
  taste: {
    positive: ["음식이 전체적으로 맛있어요.", "간이 딱 맞고 맛있었어요.", "{dish} 정말 맛있네요.", "맛은 기대 이상이었습니다."],
    negative: ["{dish} 너무 짜서 다 못 먹었어요.", "맛이 좀 밍밍했어요.", "음식이 식어서 나왔어요.", "기대했던 맛은 아니었어요."],
    neutral: ["맛은 무난한 편이에요.", "{dish} 평범했어요.", "맛은 그냥 보통이에요."],
  },
  service: {
    positive: ["직원분들이 친절하세요.", "사장님이 친절하게 설명해 주셨어요.", "서비스가 좋았어요."],
    negative: ["직원이 불친절했어요.", "주문을 두 번이나 잊어버리셨어요.", "응대가 너무 퉁명스러웠어요."],
    neutral: ["서비스는 보통이었어요.", "직원 응대는 무난했어요."],
  },
  price_value: {
    positive: ["가격 대비 만족스러워요.", "가성비가 좋아요.", "이 가격에 이 퀄리티면 훌륭해요."],
    negative: ["가격에 비해 양이 아쉬워요.", "너무 비싸요.", "가성비는 별로예요."],
    neutral: ["가격은 적당한 편이에요.", "가격은 주변 가게랑 비슷해요."],
  },
  ambience: {
    positive: ["분위기가 아늑하고 좋아요.", "인테리어가 예뻐요.", "조용해서 대화하기 좋았어요."],
    negative: ["너무 시끄러웠어요.", "자리가 좁고 불편했어요.", "분위기가 어수선했어요."],
    neutral: ["분위기는 평범해요.", "인테리어는 무난해요."],
  },
  cleanliness: {
    positive: ["매장이 깨끗해요.", "테이블이랑 화장실 모두 청결했어요."],
    negative: ["테이블이 끈적거렸어요.", "위생 상태가 별로였어요.", "화장실이 지저분했어요."],
    neutral: ["청결 상태는 보통이에요."],
  },
  waiting_time: {
    positive: ["음식이 빨리 나와요.", "웨이팅 없이 바로 들어갔어요."],
    negative: ["웨이팅이 한 시간이 넘었어요.", "음식 나오는 데 너무 오래 걸렸어요."],
    neutral: ["조금 기다리긴 했지만 괜찮았어요."],
  },
  portion: {
    positive: ["양이 정말 많아요.", "푸짐하게 나와서 배불렀어요."],
    negative: ["양이 너무 적어요.", "1인분 양이 아쉬워요."],
    neutral: ["양은 적당해요."],
  },
};

/** Distinctive strengths a restaurant may have; phrases name the specific thing that stands out. */
export const signatureStrengths: ReadonlyArray<{ id: string; aspect: Aspect; statement: string; phrases: readonly string[] }> = [
  { id: "rich-broth", aspect: "taste", statement: "국물이 진하고 깊다", phrases: ["국물이 정말 진하고 깊어요.", "사골 국물이 진해서 계속 생각나요.", "국물 맛이 깊고 진합니다."] },
  { id: "chewy-noodles", aspect: "taste", statement: "직접 뽑은 면발이 쫄깃하다", phrases: ["직접 뽑은 면이라 면발이 쫄깃해요.", "수제 면발이 탱탱하고 쫄깃해요.", "면발이 쫄깃한 게 일품이에요."] },
  { id: "charcoal-grill", aspect: "taste", statement: "숯불 향이 진하게 배어 있다", phrases: ["숯불 향이 고기에 제대로 배어 있어요.", "참숯에 구워서 불향이 진해요.", "숯불 향이 정말 좋아요."] },
  { id: "fresh-sashimi", aspect: "taste", statement: "회가 신선하고 두툼하다", phrases: ["회가 정말 신선하고 두툼해요.", "당일 들어온 생선이라 회가 싱싱해요."] },
  { id: "kind-owner", aspect: "service", statement: "사장님이 단골처럼 챙겨 준다", phrases: ["사장님이 반찬을 계속 챙겨 주세요.", "사장님이 단골처럼 살갑게 챙겨 주셨어요."] },
  { id: "huge-portion", aspect: "portion", statement: "양이 압도적으로 푸짐하다", phrases: ["양이 어마어마해서 둘이 먹어도 남아요.", "곱빼기 수준으로 푸짐하게 나와요."] },
  { id: "river-view", aspect: "ambience", statement: "창가에서 한강이 보인다", phrases: ["창가 자리에서 한강 뷰가 보여요.", "한강이 내려다보이는 뷰가 최고예요."] },
  { id: "fast-lunch", aspect: "waiting_time", statement: "점심에도 회전이 빨라 기다림이 짧다", phrases: ["점심시간에도 회전이 빨라서 금방 먹어요.", "주문하면 5분 안에 나와요."] },
];

export const generic = {
  positive: ["또 올게요!", "재방문 의사 있어요.", "추천합니다.", "맛있어요."],
  negative: ["다시는 안 갈 것 같아요.", "추천하지 않아요."],
  neutral: ["한 번쯤 가볼 만해요.", "그럭저럭이었어요."],
} as const;

export const cuisines: ReadonlyArray<{ name: string; dishes: readonly string[] }> = [
  { name: "한식", dishes: ["김치찌개가", "된장찌개가", "제육볶음이", "불고기가", "비빔밥이"] },
  { name: "국밥", dishes: ["돼지국밥이", "순대국밥이", "설렁탕이", "곰탕이"] },
  { name: "일식", dishes: ["초밥이", "라멘이", "돈카츠가", "우동이"] },
  { name: "중식", dishes: ["짜장면이", "짬뽕이", "탕수육이", "마파두부가"] },
  { name: "고깃집", dishes: ["삼겹살이", "갈비가", "목살이", "항정살이"] },
  { name: "카페", dishes: ["라떼가", "케이크가", "크루아상이", "아메리카노가"] },
];

export const imageCaptions = [
  "{dish_noun} 클로즈업 사진",
  "테이블에 차려진 {dish_noun}",
  "가게 외관과 간판",
  "매장 내부 인테리어",
  "메뉴판 사진",
  "창가 자리 풍경",
] as const;

export const namePrefixes = ["할매", "진미", "소문난", "원조", "골목", "바다", "숲속", "하늘", "명가", "옛날"] as const;
