// The small, fixed word lists the grounded output mode chooses labels with: Korean and English
// positive and negative words (and words of mixed or plain judgement), and words of common review
// topics. A label chosen this way is a word count, not a model's judgement.

export type Polarity = "positive" | "negative" | "neutral";

/** Word stems by polarity; a longer cue wins over one it contains ("불친절" is negative, not "친절"). */
const POLARITY_CUES: Record<Polarity, readonly string[]> = {
  positive: [
    "맛있", "맛나", "좋아", "좋았", "좋네", "좋고", "좋은", "최고", "친절", "추천합", "추천해", "만족", "훌륭", "깨끗", "청결",
    "푸짐", "신선", "싱싱", "쫄깃", "탱탱", "두툼", "진하", "진해", "진합", "깊고", "깊어", "일품", "빨리", "금방", "아늑", "예뻐", "예쁘", "또 올",
    "재방문", "기대 이상", "괜찮", "감동", "살갑", "챙겨",
    "great", "good", "delicious", "tasty", "friendly", "love", "excellent", "amazing", "recommend", "clean", "fresh", "best", "nice",
  ],
  negative: [
    "별로", "짜서", "짜요", "밍밍", "식어서", "불친절", "퉁명", "잊어버", "비싸", "아쉬", "시끄", "좁고", "불편", "어수선", "끈적",
    "지저분", "오래 걸", "너무 적", "안 갈", "추천하지 않", "실망", "최악", "아니었", "넘었",
    "bad", "rude", "slow", "dirty", "expensive", "bland", "cold", "worst", "disappoint", "not recommend", "never again",
  ],
  neutral: ["무난", "평범", "보통", "그냥", "적당", "비슷", "그럭저럭", "average", "okay", "ordinary", "so-so"],
};

/** Review topics: the names a key or label may carry, and the words that mark a phrase about it. */
export interface Topic {
  names: readonly string[];
  cues: readonly string[];
}

export const TOPICS: readonly Topic[] = [
  { names: ["taste", "flavor", "flavour", "food", "dish"], cues: ["맛", "국물", "면발", "향", "회가", "고기", "taste", "flavor", "delicious", "tasty"] },
  { names: ["service", "staff", "owner"], cues: ["직원", "사장님", "서비스", "친절", "응대", "주문", "staff", "service", "waiter", "owner"] },
  { names: ["price", "value", "cost"], cues: ["가격", "가성비", "비싸", "저렴", "price", "cheap", "expensive", "value"] },
  { names: ["ambience", "ambiance", "atmosphere", "mood", "interior", "view"], cues: ["분위기", "인테리어", "뷰", "조용", "시끄", "자리", "창가", "atmosphere", "view", "interior", "quiet", "noisy"] },
  { names: ["cleanliness", "clean", "hygiene"], cues: ["깨끗", "청결", "위생", "화장실", "끈적", "지저분", "clean", "dirty", "hygiene"] },
  { names: ["waiting", "wait", "speed"], cues: ["웨이팅", "기다", "빨리", "오래", "회전", "금방", "분 안에", "나와", "wait", "quick", "slow"] },
  { names: ["portion", "portions", "quantity", "size"], cues: ["양이", "양은", "푸짐", "배불", "곱빼기", "1인분", "portion", "generous"] },
  { names: ["parking"], cues: ["주차", "parking"] },
];

const ORDERED_POLARITY_CUES = (Object.entries(POLARITY_CUES) as Array<[Polarity, readonly string[]]>)
  .flatMap(([polarity, cues]) => cues.map((cue) => ({ cue, polarity })))
  .sort((a, b) => b.cue.length - a.cue.length);

export interface PolarityCount {
  positive: number;
  negative: number;
  neutral: number;
}

/** How many cues of each polarity the text holds, longest cue first, each span counted once. */
export function countPolarity(text: string): PolarityCount {
  let rest = text.toLowerCase();
  const count: PolarityCount = { positive: 0, negative: 0, neutral: 0 };
  for (const { cue, polarity } of ORDERED_POLARITY_CUES) {
    const parts = rest.split(cue);
    count[polarity] += parts.length - 1;
    rest = parts.join(" ");
  }
  return count;
}

/** The longest polarity cue a word holds ("쫄깃해요" holds "쫄깃"), if any. */
export function polarityCueIn(word: string): string | undefined {
  const lower = word.toLowerCase();
  return ORDERED_POLARITY_CUES.find(({ cue }) => lower.includes(cue))?.cue;
}

/** Whether a word holds one of the topic cues ("국물이", "가성비가"). */
export function holdsTopicCue(word: string): boolean {
  const lower = word.toLowerCase();
  return TOPICS.some((t) => t.cues.some((cue) => lower.includes(cue)));
}

/** The polarity with the most cues; neutral when none wins. */
export function polarityOf(count: PolarityCount): Polarity {
  if (count.positive > count.negative && count.positive > count.neutral) return "positive";
  if (count.negative > count.positive && count.negative > count.neutral) return "negative";
  return "neutral";
}

/** From -1 (only negative cues) to 1 (only positive); 0 without cues. */
export function polarityScore(count: PolarityCount): number {
  const total = count.positive + count.negative + count.neutral;
  return total === 0 ? 0 : (count.positive - count.negative) / total;
}

const POLARITY_NAMES: Record<Polarity, readonly string[]> = {
  positive: ["positive", "pos", "p", "+", "good", "praise", "1"],
  negative: ["negative", "neg", "n", "-", "bad", "complaint", "-1"],
  neutral: ["neutral", "neu", "u", "0", "mixed", "m", "other", "none"],
};

/** The polarity a label names ("positive", "pos", "neg", 1, -1, ...), if it names one. */
export function polarityNamed(label: unknown): Polarity | undefined {
  if (typeof label !== "string" && typeof label !== "number") return undefined;
  const name = String(label).trim().toLowerCase();
  return (Object.keys(POLARITY_NAMES) as Polarity[]).find((p) => POLARITY_NAMES[p].includes(name));
}

const REQUESTED_POLARITY: Record<Exclude<Polarity, "neutral">, readonly string[]> = {
  positive: ["praise", "praised", "praises", "positive", "strength", "strengths", "liked"],
  negative: ["complaint", "complaints", "negative", "weakness", "weaknesses", "criticism", "disliked"],
};

/** The polarity an instruction asks for ("extract the praised claims"), when it asks for only one. */
export function requestedPolarity(instructions: string): Polarity | undefined {
  const words = new Set(instructions.toLowerCase().split(/[^a-z]+/));
  const asked = (["positive", "negative"] as const).filter((p) => REQUESTED_POLARITY[p].some((w) => words.has(w)));
  return asked.length === 1 ? asked[0] : undefined;
}

/** The topic a key or label names ("price_value" names price), if it names one. */
export function topicNamed(label: unknown): Topic | undefined {
  if (typeof label !== "string") return undefined;
  const words = label.toLowerCase().split(/[^a-z]+/).filter((w) => w.length >= 3);
  return TOPICS.find((t) => words.some((w) => t.names.includes(w)));
}

/** How many of the topic's cues the text holds. */
export function topicHits(topic: Topic, text: string): number {
  const lower = text.toLowerCase();
  return topic.cues.reduce((n, cue) => n + (lower.split(cue).length - 1), 0);
}

/** The topics a phrase is mainly about: those with the most cues in it (none without cues). */
export function mainTopics(text: string): Topic[] {
  const hits = TOPICS.map((t) => topicHits(t, text));
  const best = Math.max(...hits);
  return best > 0 ? TOPICS.filter((_, i) => hits[i] === best) : [];
}
