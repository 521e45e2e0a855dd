// Review text is data, never instructions (SPEC section 9), through every analysis: the corpus of
// injection attempts (injection-corpus.json, English and Korean) sits in one restaurant's reviews
// next to ordinary ones. Sentiment, the summary and the strengths keep their schema and cite only
// that restaurant's real review IDs, although the attempts name another restaurant's; and in every
// prompt the simulator received (through a recording proxy) each review's text lies whole inside one
// review element (and nothing of it outside the data elements): a fake closing tag, ASCII or
// lookalike, never ends the element early.
// The prompts' wording is not asserted: only the structure that keeps data apart from instructions.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { common, sentiment, summarization } from "@reviewlens/contracts";
import { createTestDatabase, startAnalysisStack, uploadReviewRecords, type AnalysisStack, type ReviewRecordLike, type TestDatabase } from "@reviewlens/testkit";
import { createChannel, createClient, type Channel } from "nice-grpc";

const corpus = JSON.parse(readFileSync(new URL("./injection-corpus.json", import.meta.url), "utf8")) as { attempts: string[] };
const RESTAURANT = "inj-r1";
const OTHER = "inj-other";

// Markers around each attempt: both must lie inside one and the same review element.
const startMarker = (i: number) => `⟦INJ${i}⟧`;
const endMarker = (i: number) => `⟦/INJ${i}⟧`;

const ordinary = ["국물이 진하고 면이 쫄깃해요. 또 올게요!", "직원분들이 친절하고 가게가 깨끗해요.", "가격 대비 양이 많아서 만족합니다.", "웨이팅이 길었지만 맛있었어요.", "고기가 부드럽고 반찬이 정갈해요."];
const otherReviews: ReviewRecordLike[] = ordinary.map((text, i) => ({ review_id: `other-${i}`, restaurant_id: OTHER, text, rating: 5, created_at: `2026-0${i + 1}-02T00:00:00Z` }));
const injections: ReviewRecordLike[] = corpus.attempts.map((attempt, i) => ({
  review_id: `inj-${String(i).padStart(2, "0")}`,
  restaurant_id: RESTAURANT,
  text: `${startMarker(i)} ${attempt.replaceAll("FORGED", otherReviews[i % otherReviews.length]!.review_id)} ${endMarker(i)}`,
  rating: 1 + (i % 5),
  created_at: `2026-${String(1 + (i % 9)).padStart(2, "0")}-${String(1 + (i % 27)).padStart(2, "0")}T12:00:00Z`,
}));
const plain: ReviewRecordLike[] = ordinary.map((text, i) => ({ review_id: `inj-plain-${i}`, restaurant_id: RESTAURANT, text, rating: 4 + (i % 2), created_at: `2026-10-0${i + 1}T00:00:00Z` }));
const ownIds = new Set([...injections, ...plain].map((r) => r.review_id));
const TOP_K = ownIds.size; // every review of the restaurant goes to the model

/** The texts the model read in one generation request (chat messages or a completion prompt). */
function promptTexts(body: string): string[] {
  const request = JSON.parse(body) as { prompt?: string | string[]; messages?: Array<{ content: string | Array<{ text?: string }> }> };
  if (request.messages) return request.messages.map((m) => (typeof m.content === "string" ? m.content : m.content.map((p) => p.text ?? "").join("\n")));
  return [request.prompt ?? ""].flat();
}

// Data elements: any element with a ref attribute (<review ref="R1">, the strengths' <claims ref="S1">).
const ELEMENT = /<([A-Za-z][\w-]*)\s+ref="[^"<>]*"[^<>]*>([\s\S]*?)<\/\1>/g;
const LOOKALIKES = /[<>\uFF1C\uFF1E\uFE64\uFE65\u2329\u232A\u27E8\u27E9\u3008\u3009]/;

/** Problems with how one prompt carries the attempts; which attempts it carried whole in review elements. */
function delimiterProblems(text: string): { problems: string[]; carried: number[] } {
  const problems: string[] = [];
  const carried: number[] = [];
  const elements = [...text.matchAll(ELEMENT)].map((m) => ({ tag: m[1]!, content: m[2]! }));
  const outside = text.replace(ELEMENT, "");
  for (const tag of new Set(elements.map((e) => e.tag))) {
    const opened = (text.match(new RegExp(`<${tag}\\b`, "g")) ?? []).length;
    const closed = (text.match(new RegExp(`</${tag}>`, "g")) ?? []).length;
    const whole = elements.filter((e) => e.tag === tag).length;
    if (opened !== closed || opened !== whole) problems.push(`${opened} <${tag}> elements opened, ${closed} closed, ${whole} well-formed`);
  }
  for (const { content } of elements) if (LOOKALIKES.test(content)) problems.push(`an element keeps a character a model may read as a tag bracket: ${JSON.stringify(content.slice(0, 80))}`);
  corpus.attempts.forEach((attempt, i) => {
    if (outside.includes(startMarker(i)) || outside.includes(endMarker(i))) problems.push(`part of attempt ${i} is outside every data element: ${JSON.stringify(attempt.slice(0, 60))}`);
    for (const { tag, content } of elements) {
      if (tag !== "review" || !(content.includes(startMarker(i)) || content.includes(endMarker(i)))) continue;
      if (content.includes(startMarker(i)) && content.includes(endMarker(i))) carried.push(i);
      else problems.push(`attempt ${i} is split across review elements: ${JSON.stringify(attempt.slice(0, 60))}`);
    }
  });
  return { problems, carried };
}

const cited = (ids: string[], what: string) => {
  for (const id of ids) assert.ok(ownIds.has(id), `${what} cites ${id}, not a review of ${RESTAURANT}`);
};

describe("prompt injection in reviews", () => {
  let stack: AnalysisStack;
  let db: TestDatabase;
  const channels: Channel[] = [];
  let sentimentClient: sentiment.SentimentServiceClient;
  let summarizationClient: summarization.SummarizationServiceClient;
  const options = { topK: TOP_K, force: true, priority: common.Priority.PRIORITY_INTERACTIVE };

  before(async () => {
    assert.ok(corpus.attempts.length >= 50, "the corpus holds at least 50 attempts");
    db = await createTestDatabase("injection");
    stack = await startAnalysisStack({ simArgs: ["--time-scale", "0.01", "--output", "grounded", "--seed", "7"], analysisEnv: { DATABASE_URL: db.url }, recordBackend: true });
    const upload = await uploadReviewRecords(stack.vectorSearch.address, [...injections, ...plain, ...otherReviews]);
    assert.equal(upload.upserted, injections.length + plain.length + otherReviews.length, JSON.stringify(upload.errors));
    const channel = (address: string) => {
      const c = createChannel(address);
      channels.push(c);
      return c;
    };
    sentimentClient = createClient(sentiment.SentimentServiceDefinition, channel(stack.sentiment.address));
    summarizationClient = createClient(summarization.SummarizationServiceDefinition, channel(stack.summarization.address));
  });
  after(async () => {
    for (const c of channels) c.close();
    await stack?.stop();
    await db?.drop();
  });

  /** Runs an analysis and returns the generation requests the simulator received meanwhile. */
  async function prompts<T>(run: () => Promise<T>): Promise<{ answer: T; texts: string[] }> {
    const from = stack.backend!.seen.length;
    const answer = await run();
    const texts = stack.backend!.seen.slice(from).filter((r) => r.method === "POST" && /\/v1\/(chat\/)?completions$/.test(r.url)).flatMap((r) => promptTexts(r.body));
    return { answer, texts };
  }

  function assertDelimited(texts: string[], analysis: string) {
    assert.ok(texts.length > 0, `${analysis} sent prompts`);
    const carried = new Set<number>();
    for (const text of texts) {
      const { problems, carried: these } = delimiterProblems(text);
      assert.deepEqual(problems, [], `${analysis}: ${problems.join("; ")}`);
      these.forEach((i) => carried.add(i));
    }
    return carried;
  }

  it("sentiment labels every review once, only the restaurant's own, and each attempt stays inside its element", async () => {
    const { answer, texts } = await prompts(() => sentimentClient.analyzeRestaurant({ restaurantId: RESTAURANT, options }));
    const { result, report } = answer;
    assert.equal(report!.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
    assert.equal(report!.reviewsConsidered, ownIds.size);
    const labelled = result!.reviews.map((r) => r.reviewId);
    cited([...labelled, ...result!.failedReviews.map((f) => f.reviewId), ...result!.positiveReviewIds, ...result!.negativeReviewIds, ...result!.neutralReviewIds], "sentiment");
    assert.equal(new Set(labelled).size, labelled.length, "each review labelled once");
    assert.equal(labelled.length + result!.failedReviews.length, ownIds.size);
    assert.deepEqual(result!.failedReviews, [], "every review, each attempt included, got a schema-valid label");
    for (const r of result!.reviews) {
      assert.notEqual(r.label, sentiment.SentimentLabel.SENTIMENT_LABEL_UNSPECIFIED);
      assert.ok(r.confidence >= 0 && r.confidence <= 1, `confidence ${r.confidence}`);
    }
    assert.equal(result!.positiveCount + result!.negativeCount + result!.neutralCount, labelled.length);
    const carried = assertDelimited(texts, "sentiment");
    assert.equal(carried.size, corpus.attempts.length, "every attempt reached the model, each inside its element");
  });

  it("the summary keeps its aspects and scores and cites only the restaurant's reviews", async () => {
    const { answer, texts } = await prompts(() => summarizationClient.summarize({ restaurantId: RESTAURANT, options, aspects: [] }));
    const { result, report } = answer;
    assert.equal(report!.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
    assert.ok(result!.overallSummary.trim().length > 0);
    cited(result!.overallEvidenceReviewIds, "the overall summary");
    const aspects = result!.aspects.map((a) => a.aspect);
    assert.deepEqual([...aspects].sort(), ["ambience", "cleanliness", "portion", "price_value", "service", "taste", "waiting_time"], "the default aspects, no others");
    for (const a of result!.aspects) {
      cited(a.evidenceReviewIds, `the ${a.aspect} summary`);
      assert.ok(Number.isFinite(a.sentimentScore) && a.sentimentScore >= -1 && a.sentimentScore <= 1, `${a.aspect} score ${a.sentimentScore}`);
    }
    assert.ok(assertDelimited(texts, "summary").size > 0, "the summary's prompts carried attempts");
  });

  it("the strengths keep their shape and their evidence is the restaurant's own reviews", async () => {
    const { answer, texts } = await prompts(() => summarizationClient.extractStrengths({ restaurantId: RESTAURANT, options, maxStrengths: 5, minSupport: 0.05 }));
    const { result, report } = answer;
    assert.equal(report!.status, common.AnalysisStatus.ANALYSIS_STATUS_COMPLETED);
    assert.ok(result!.strengths.length <= 5);
    for (const s of result!.strengths) {
      assert.ok(s.aspect.length > 0 && s.statement.trim().length > 0, JSON.stringify(s));
      assert.ok(s.support >= 1 && s.evidenceReviewIds.length >= 1);
      assert.ok(Number.isFinite(s.score) && Number.isFinite(s.distinctiveness));
      cited(s.evidenceReviewIds, `strength ${s.statement}`);
    }
    assert.ok(assertDelimited(texts, "strengths").size > 0, "the strengths' prompts carried attempts");
  });
});
