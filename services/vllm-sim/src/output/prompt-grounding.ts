// What a grounded answer may be made of: the delimited elements of the prompt (`<review ref="R1">`,
// `<claims ref="S1" ...>`: any element with a ref attribute, as the analysis prompts mark their data),
// split into phrases, and the instruction text around them. Only the user's text is read, so a system
// prompt's examples never become an answer.
import { countPolarity, holdsTopicCue, polarityCueIn, polarityOf, requestedPolarity, topicNamed, type Polarity, type Topic } from "./cue-words.js";

export interface Phrase {
  text: string;
  /** The refs of the elements that hold this phrase. */
  refs: string[];
}

export interface GroundingSource {
  ref: string;
  /** The element's text, unescaped. */
  text: string;
  /** Its phrases in their order (only those of the polarity the instructions ask for, when they ask for one). */
  phrases: Phrase[];
}

export interface PromptGrounding {
  sources: GroundingSource[];
  bySource: ReadonlyMap<string, GroundingSource>;
  /** Every distinct phrase, the ones most elements share first (then in prompt order). */
  salient: Phrase[];
  /** The one topic the instructions name, when they name exactly one. */
  instructionTopic: Topic | undefined;
  /** The one polarity the instructions ask for ("the praised claims"), if any. */
  instructionPolarity: Polarity | undefined;
}

const ELEMENT = /<([A-Za-z][\w-]*)\s+ref="([^"<>]{1,64})"[^<>]*>([\s\S]*?)<\/\1>/g;
// Sentence ends (with the space after), the " | " lists of claims and line breaks split phrases.
const BOUNDARY = /(?<=[.!?。…~])\s+|\s*\|\s*|\n+/;

const unescape = (text: string): string => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

export function splitPhrases(text: string): string[] {
  return text
    .split(BOUNDARY)
    .map((p) => p.trim())
    .filter((p) => /[\p{L}\p{N}]/u.test(p));
}

/**
 * The few words of a phrase a claim or keyword field holds, as a model writes a claim ("숯불 향",
 * "쫄깃한 면발"): what the phrase is about (a word ending in a subject particle, or a topic word,
 * without its particle) and its first judgement word (a polarity cue), in the phrase's order. The
 * judgement keeps its connective ending ("신선하고") but not the sentence's own ending ("쫄깃해요"
 * gives "쫄깃"): sentence endings and particles are in every review, so a claim holding them is
 * as close to every restaurant's reviews and never distinctive. "회가 정말 신선하고 두툼해요." gives
 * "회 신선하고", "직접 뽑은 면이라 면발이 쫄깃해요." gives "면발 쫄깃". A phrase without both gives
 * its words without end punctuation and, from three words on, without the last (the predicate).
 */
export function keyWords(phrase: string): string {
  const words = phrase.replace(/[.!?。…~]+$/u, "").split(/\s+/);
  const kept: string[] = [];
  let judged = false;
  words.forEach((word, i) => {
    const cue = polarityCueIn(word);
    if (cue) {
      if (!judged) kept.push(i === words.length - 1 ? cue : word);
      judged = true;
      return;
    }
    const subject = /^(.+?)[이가]$/u.exec(word)?.[1];
    const topic = holdsTopicCue(word) ? (/^(.+?)[은는을를도에의]$/u.exec(word)?.[1] ?? word) : undefined;
    if (subject ?? topic) kept.push((subject ?? topic)!);
  });
  if (judged && kept.length >= 2) return kept.join(" ");
  return (words.length >= 3 ? words.slice(0, -1) : words).join(" ");
}

/** Reads the user's text of a prompt; without delimited elements, the whole text is one source. */
export function groundPrompt(userText: string): PromptGrounding {
  const outside = userText.replace(ELEMENT, " ");
  const polarity = requestedPolarity(outside);
  const phrasesOf = (text: string, refs: string[]) =>
    splitPhrases(text)
      .filter((p) => polarity === undefined || polarityOf(countPolarity(p)) === polarity)
      .map((p) => ({ text: p, refs }));
  const sources: GroundingSource[] = [];
  const seen = new Set<string>();
  for (const m of userText.matchAll(ELEMENT)) {
    const ref = m[2]!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    const text = unescape(m[3]!).trim();
    sources.push({ ref, text, phrases: phrasesOf(text, [ref]) });
  }
  if (sources.length === 0 && userText.trim() !== "") sources.push({ ref: "", text: userText.trim(), phrases: phrasesOf(userText, []) });
  return {
    sources,
    bySource: new Map(sources.map((s) => [s.ref, s])),
    salient: salientPhrases(sources),
    instructionTopic: soleTopic(outside),
    instructionPolarity: polarity,
  };
}

function salientPhrases(sources: GroundingSource[]): Phrase[] {
  const byText = new Map<string, { phrase: Phrase; first: number }>();
  let position = 0;
  for (const source of sources) {
    for (const p of source.phrases) {
      const entry = byText.get(p.text);
      if (entry) {
        if (!entry.phrase.refs.includes(source.ref)) entry.phrase.refs.push(source.ref);
      } else {
        byText.set(p.text, { phrase: { text: p.text, refs: [...p.refs] }, first: position++ });
      }
    }
  }
  return [...byText.values()].sort((a, b) => b.phrase.refs.length - a.phrase.refs.length || a.first - b.first).map((e) => e.phrase);
}

function soleTopic(instructions: string): Topic | undefined {
  const named = new Set(instructions.split(/[^A-Za-z_]+/).map(topicNamed).filter((t): t is Topic => t !== undefined));
  return named.size === 1 ? [...named][0] : undefined;
}

/** A plain-text answer: the phrases most elements share, two at most. */
export function groundedText(grounding: PromptGrounding): string {
  return grounding.salient
    .slice(0, 2)
    .map((p) => p.text)
    .join(" ");
}
