import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, it } from "node:test";
import { common } from "@reviewlens/contracts";
import type { LlmGateway } from "@reviewlens/analysis-core";
import { messagesOf, refsOf, ScriptedGateway } from "@reviewlens/analysis-core/testing";
import { createHashingEmbedder, type TextEmbedder } from "@reviewlens/embedder";
import { getTokenizer } from "@reviewlens/tokenizer";
import { fixedReviewSource } from "../test-fixtures.js";
import { DEFAULT_THRESHOLDS } from "./step-f-filter.js";
import { extractStrengths, NO_LOOK_AHEAD } from "./strength-pipeline.js";

// Ten positive reviews: all say "맛있어요" (generic), four praise the hand-made noodles (signature);
// a review's taste claim is the noodles when it names them, else the generic praise.
const reviews = Array.from({ length: 10 }, (_, i) => ({ text: i < 4 ? `수제 생면이 쫄깃하고 맛있어요 ${i}` : `맛있어요 ${i}`, rating: 5 }));

function claimsFor(request: Parameters<ConstructorParameters<typeof ScriptedGateway>[0]>[0]) {
  const user = messagesOf(request)[1]!.content;
  const asked = new Set(refsOf(request));
  const blocks = [...user.matchAll(/<review ref="([A-Z]+)">([^<]*)<\/review>/g)].filter(([, ref]) => asked.has(ref!));
  return JSON.stringify(
    Object.fromEntries(blocks.map(([, ref, text]) => [ref, { food: text!.includes("수제 생면") ? "수제 생면" : "맛있어요" }])),
  );
}

const deps = (gateway: LlmGateway, embedder: TextEmbedder = createHashingEmbedder()) => ({
  reviews: fixedReviewSource("r1", reviews),
  gateway,
  tokenizer: getTokenizer(),
  embedder,
  // Generic praise is everywhere (40% of 900 other reviews); the noodles nowhere else.
  baseline: {
    prevalence: async (claim: string) =>
      claim.includes("생면") ? { ownMatches: 4, ownReviews: 10, otherMatches: 0, otherReviews: 900 } : { ownMatches: 10, ownReviews: 10, otherMatches: 850, otherReviews: 900 },
  },
  maxPromptTokens: 1500,
  clusterSimilarity: 0.6,
});
const request = { restaurantId: "r1", options: { topK: 20, force: false, priority: common.Priority.PRIORITY_STANDARD }, maxStrengths: 5, thresholds: DEFAULT_THRESHOLDS };

describe("strength pipeline A-H", () => {
  it("reports the signature strength with its evidence, drops generic praise, and times every step", async () => {
    const gateway = new ScriptedGateway((request) =>
      request.request!.jsonSchema!.name === "review_claims"
        ? claimsFor(request)
        : JSON.stringify("직접 뽑은 생면이 쫄깃하다"),
    );
    const { result, report } = await extractStrengths(deps(gateway), request);
    assert.equal(result.strengths.length, 1);
    const [strength] = result.strengths;
    assert.equal(strength!.statement, "직접 뽑은 생면이 쫄깃하다");
    assert.deepEqual(strength!.evidenceReviewIds, ["r1-rv0", "r1-rv1", "r1-rv2", "r1-rv3"]);
    assert.equal(strength!.support, 4);
    assert.ok(strength!.distinctiveness > 1.5);
    assert.deepEqual(
      report.steps.map((s) => s.step[0]),
      ["A", "B", "C", "D", "E", "F", "G", "H"],
    );
    assert.deepEqual(
      report.steps.map((s) => [s.itemsIn, s.itemsOut]),
      [
        [20, 10],
        [10, 10],
        [10, 2],
        [2, 2],
        [2, 2],
        [2, 1],
        [1, 1],
        [1, 1],
      ],
    );
    // An answer per evidence review in B, per kept cluster in G.
    assert.equal(report.llmRequests, 10 + 1);
  });

  it("embeds each review's claims as its answer arrives, before the last answer, and no claim twice", async () => {
    // Every review claims something of its own; the last review's answer comes after all the others.
    // Korean only: step C embeds claims normalised (lower case), which leaves these as they are.
    const claim = (ref: string) => `메뉴 ${"가나다라마바사아자차"["ABCDEFGHIJ".indexOf(ref)]}`;
    const scripted = new ScriptedGateway((r) =>
      r.request!.jsonSchema!.name === "review_claims" ? JSON.stringify({ [refsOf(r)[0]!]: { food: claim(refsOf(r)[0]!) } }) : JSON.stringify("문장"),
    );
    const events: string[] = [];
    let answered = 0;
    let releaseLast!: () => void;
    const lastMayAnswer = new Promise<void>((resolve) => (releaseLast = resolve));
    const gateway: LlmGateway = {
      async complete(r) {
        const isClaims = r.request!.jsonSchema!.name === "review_claims";
        if (isClaims && refsOf(r)[0] === "J") await lastMayAnswer;
        const response = await scripted.complete(r);
        if (isClaims) {
          events.push(`answer ${refsOf(r)[0]}`);
          // Turns of the event loop after the other nine, so what they started has started.
          if (++answered === 9) setImmediate(() => setImmediate(releaseLast));
        }
        return response;
      },
    };
    const hashing = createHashingEmbedder();
    const embedded: string[] = [];
    const embedder = {
      embed: (texts: string[], signal?: AbortSignal) => {
        embedded.push(...texts);
        events.push(...texts.map((t) => `embed ${t}`));
        return hashing.embed(texts, signal);
      },
    };
    await extractStrengths(deps(gateway, embedder), request);
    const lastAnswer = events.indexOf("answer J");
    assert.ok(lastAnswer > 0);
    for (const ref of "ABCDEFGHI") {
      const embeddedAt = events.indexOf(`embed ${claim(ref)}`);
      assert.ok(embeddedAt >= 0 && embeddedAt < lastAnswer, `${ref}'s claim embedded before J answered: ${events.join(", ")}`);
    }
    assert.ok(events.indexOf(`embed ${claim("J")}`) > lastAnswer);
    assert.equal(new Set(embedded).size, embedded.length, "no claim embedded twice");
    assert.equal(embedded.length, 10);
  });

  it("with all but the last answer in, starts E's query and G's statement of a passing cluster before the last answer, and asks nothing twice", { timeout: 20_000 }, async () => {
    const answer = (request: Parameters<ConstructorParameters<typeof ScriptedGateway>[0]>[0]) =>
      request.request!.jsonSchema!.name === "review_claims" ? claimsFor(request) : JSON.stringify("직접 뽑은 생면이 쫄깃하다");
    const run = async (lookingAhead: boolean) => {
      // Nine of ten answers in is 0.9: the look-ahead starts on the ninth.
      const lookAhead = lookingAhead ? { baselineAfter: 0.9, statementsAfter: 0.9 } : NO_LOOK_AHEAD;
      const events: string[] = [];
      let releaseLast!: () => void;
      const lastMayAnswer = new Promise<void>((resolve) => (releaseLast = resolve));
      const scripted = new ScriptedGateway(answer);
      const gateway: LlmGateway = {
        async complete(r) {
          const isClaims = r.request!.jsonSchema!.name === "review_claims";
          if (!isClaims) {
            events.push("statement asked");
            releaseLast();
          }
          // The last review (J, generic praise) answers only once a statement was asked, or at once without the look-ahead.
          if (isClaims && refsOf(r)[0] === "J" && lookingAhead) await lastMayAnswer;
          const response = await scripted.complete(r);
          if (isClaims) events.push(`answer ${refsOf(r)[0]}`);
          return response;
        },
      };
      const base = deps(gateway);
      const asked: string[] = [];
      const baseline = { prevalence: (claim: string) => (asked.push(claim), base.baseline.prevalence(claim)) };
      const outcome = await extractStrengths({ ...base, baseline, lookAhead }, request);
      return { events, asked, outcome, requests: scripted.requests.length };
    };
    const withLookAhead = await run(true);
    assert.ok(withLookAhead.events.indexOf("statement asked") < withLookAhead.events.indexOf("answer J"), withLookAhead.events.join(", "));
    // Ten claims answers and one statement: what the look-ahead started was taken, not asked again.
    assert.equal(withLookAhead.requests, 11);
    assert.equal(withLookAhead.outcome.report.llmRequests, 11);
    assert.deepEqual([...withLookAhead.asked].sort(), ["맛있어요", "수제 생면"], "one baseline query per central claim");
    const without = await run(false);
    assert.ok(without.events.indexOf("statement asked") > without.events.indexOf("answer J"));
    assert.deepEqual(withLookAhead.outcome.result, without.outcome.result, "the same strengths either way");
  });

  it("asks again for the statement of a cluster the last answer changed, and cancels the early one still running when it ends", { timeout: 20_000 }, async () => {
    // The last review (J) also praises the noodles, in words of its own: the cluster gains a claim.
    const claims = (request: Parameters<ConstructorParameters<typeof ScriptedGateway>[0]>[0]) =>
      refsOf(request)[0] === "J" ? JSON.stringify({ J: { food: "수제 생면이" } }) : claimsFor(request);
    const scripted = new ScriptedGateway((r) => (r.request!.jsonSchema!.name === "review_claims" ? claims(r) : JSON.stringify("생면이 쫄깃하다")));
    let releaseLast!: () => void;
    const lastMayAnswer = new Promise<void>((resolve) => (releaseLast = resolve));
    interface Held {
      aborted: boolean;
      abortedBeforeReturn: boolean;
    }
    let early: Held | undefined;
    let returned = false;
    const gateway: LlmGateway = {
      async complete(r, options) {
        const name = r.request!.jsonSchema!.name;
        if (name === "review_claims" && refsOf(r)[0] === "J") await lastMayAnswer;
        if (name !== "review_claims" && !messagesOf(r)[1]!.content.includes("수제 생면이")) {
          // The statement started before J answered: held until it is cancelled.
          const held: Held = { aborted: false, abortedBeforeReturn: false };
          early = held;
          releaseLast();
          return new Promise((_, reject) =>
            options!.signal!.addEventListener("abort", () => {
              held.aborted = true;
              held.abortedBeforeReturn = !returned;
              reject(new Error("CANCELLED"));
            }),
          );
        }
        return scripted.complete(r);
      },
    };
    const { result } = await extractStrengths({ ...deps(gateway), lookAhead: { baselineAfter: 0.9, statementsAfter: 0.9 } }, request);
    returned = true;
    assert.ok(early, "a statement was started before the last answer");
    assert.ok(early.aborted && early.abortedBeforeReturn, "the early statement was cancelled when the pipeline ended");
    assert.deepEqual(
      result.strengths.map((s) => [s.statement, s.support]),
      [["생면이 쫄깃하다", 5]],
      "the statement asked for the cluster as it ended",
    );
  });

  it("leaves no listener on the caller's signal, which a batch's restaurants share", async () => {
    const gateway = new ScriptedGateway((r) => (r.request!.jsonSchema!.name === "review_claims" ? claimsFor(r) : JSON.stringify("문장")));
    const caller = new AbortController();
    const before = getEventListeners(caller.signal, "abort").length;
    for (let i = 0; i < 3; i++) await extractStrengths(deps(gateway), request, caller.signal);
    assert.equal(getEventListeners(caller.signal, "abort").length, before);
  });
});
