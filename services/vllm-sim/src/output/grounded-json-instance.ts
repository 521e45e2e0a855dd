// A schema-valid instance grounded in the prompt (the `grounded` output mode): the schema's
// structure as in random mode, but free-text strings are phrases of the prompt's delimited elements,
// review references are the prompt's own, and enum labels and signed scores follow a small cue list
// (cue-words.ts). Driven only by the schema and the prompt's text, never by field names:
//   - a property named like one of the prompt's refs ("R1") is about that element;
//   - an object with a property whose enum is the prompt's refs is about the ref chosen for it;
//   - a property named like a topic ("taste", "price_value") keeps to phrases with that topic's words
//     (when it is about an element: its element's phrases mainly about the topic, else any with its
//     words, else the element's);
//   - optional properties all named like topics are there only for the topics the grounding phrases
//     are mainly about, the most mentioned first up to maxProperties (an answer keyed by aspect: one
//     phrase, one aspect, as "푸짐하게 나와서" is about portions, not waiting for all its "나와");
//   - an array of the prompt's refs cites the elements whose phrases its object's strings used; in an
//     object without strings (an evidence answer beside its text answer), the elements of the phrases
//     a string there would use: the topic's phrases (else the salient ones) in salience order, so the
//     citations agree with the text answer, which starts from the same phrases;
//   - a signed score (number or integer) follows the cues of its object's strings, else of its element
//     or its topic's phrases.
import { countPolarity, mainTopics, polarityNamed, polarityOf, polarityScore, topicHits, topicNamed, type Topic } from "./cue-words.js";
import { asSchema, InstanceGenerator, num, type InstanceOptions, type JsonValue, type Schema } from "./json-schema-instance.js";
import { keyWords, type Phrase, type PromptGrounding } from "./prompt-grounding.js";

interface Scope {
  kind: "object" | "property";
  /** The element this part of the answer is about. */
  source: string | undefined;
  topic: Topic | undefined;
  /** The topic the nearest property named like one names (not the instructions' topic). */
  keyTopic: Topic | undefined;
  /** Texts the strings of this scope were made of, and the refs they came from. */
  texts: string[];
  refs: string[];
}

/** A string field up to this length holds a phrase's key words (a claim, a keyword). */
const KEYWORD_FIELD = 40;
/** A string field up to this length gets one phrase (a statement); a longer one two (a summary). */
const SHORT_FIELD = 160;
const MAX_PHRASES = 2;
const DEFAULT_MAX_LENGTH = 200;

export function groundedJsonInstance(schema: unknown, options: InstanceOptions, grounding: PromptGrounding): JsonValue {
  return new GroundedGenerator(asSchema(schema), options, grounding).generate(asSchema(schema), 0);
}

class GroundedGenerator extends InstanceGenerator {
  private readonly scopes: Scope[];
  /** Next unused phrase per pool, so sibling strings say different things. */
  private readonly cursors = new Map<string, number>();
  private readonly takenRefs = new Set<string>();

  constructor(
    root: Schema,
    options: InstanceOptions,
    private readonly g: PromptGrounding,
  ) {
    super(root, options);
    this.scopes = [{ kind: "object", source: undefined, topic: g.instructionTopic, keyTopic: undefined, texts: [], refs: [] }];
  }

  private get scope(): Scope {
    return this.scopes[this.scopes.length - 1]!;
  }

  private within<T>(scope: Omit<Scope, "texts" | "refs">, make: () => T): T {
    this.scopes.push({ ...scope, texts: [], refs: [] });
    try {
      return make();
    } finally {
      this.scopes.pop();
    }
  }

  /** The nearest object scope: the texts and refs an enum, score or citation list is grounded in. */
  private get objectScope(): Scope {
    return [...this.scopes].reverse().find((s) => s.kind === "object")!;
  }

  protected override object(schema: Schema, depth: number): JsonValue {
    return this.within({ ...this.scope, kind: "object" }, () => super.object(schema, depth));
  }

  protected override property(key: string, schema: Schema, depth: number): JsonValue {
    const source = this.g.bySource.has(key) && key !== "" ? key : this.scope.source;
    const named = topicNamed(key);
    return this.within({ kind: "property", source, topic: named ?? this.scope.topic, keyTopic: named ?? this.scope.keyTopic }, () => super.property(key, schema, depth));
  }

  /** Optional properties named like topics: those the grounding phrases are mainly about, most mentioned first. */
  protected override chosenOptional(optional: string[], room: number): string[] | undefined {
    const topics = optional.map(topicNamed);
    if (optional.length === 0 || topics.some((t) => t === undefined)) return undefined;
    const phrases = this.groundingPhrases();
    const mains = phrases.map((p) => mainTopics(p.text));
    const hitsOf = (topic: Topic) => phrases.reduce((n, p, i) => n + (mains[i]!.includes(topic) ? topicHits(topic, p.text) : 0), 0);
    return optional
      .map((key, i) => ({ key, hits: hitsOf(topics[i]!) }))
      .filter((t) => t.hits > 0)
      .sort((a, b) => b.hits - a.hits)
      .slice(0, room)
      .map((t) => t.key);
  }

  /** References first (they say what the object is about), then free text, then what depends on it. */
  protected override propertyOrder(properties: Schema): string[] {
    const rank = (key: string) => {
      const s = this.resolve(asSchema(properties[key]));
      return this.refValues(s) ? 0 : this.isFreeText(s) ? 1 : 2;
    };
    return Object.keys(properties).sort((a, b) => rank(a) - rank(b));
  }

  protected override pickEnum(values: JsonValue[]): JsonValue {
    if (this.isRefList(values)) return this.pickRef(values as string[]);
    const text = this.groundingText();
    const named = values.map(polarityNamed);
    if (named.filter(Boolean).length >= 2) {
      const wanted = polarityOf(countPolarity(text));
      const i = named.indexOf(wanted);
      if (i >= 0) return values[i]!;
    }
    const topics = values.map(topicNamed);
    if (topics.some(Boolean)) {
      const hits = topics.map((t) => (t ? topicHits(t, text) : 0));
      const best = Math.max(...hits);
      if (best > 0) return values[hits.indexOf(best)]!;
    }
    // No cue: the same text always gets the same label, so equal phrases share it.
    return text === "" ? super.pickEnum(values) : values[hashOf(text) % values.length]!;
  }

  protected override number(schema: Schema): number {
    return this.signedScore(schema, false) ?? super.number(schema);
  }

  protected override integer(schema: Schema): number {
    return this.signedScore(schema, true) ?? super.integer(schema);
  }

  /** A signed score (bounds either side of 0, no multipleOf): the cue balance of what it is grounded in. */
  private signedScore(schema: Schema, integer: boolean): number | undefined {
    const [min, max] = this.bounds(schema, integer);
    if (!(min < 0 && max > 0) || num(schema["multipleOf"]) !== undefined) return undefined;
    const score = polarityScore(countPolarity(this.groundingText()));
    const value = Math.round(score * (score >= 0 ? max : -min) * 100) / 100;
    return Math.min(max, Math.max(min, integer ? Math.round(value) : value));
  }

  protected override array(schema: Schema, depth: number): JsonValue {
    const items = this.resolve(asSchema(schema["items"]));
    const refs = Array.isArray(schema["items"]) ? undefined : this.refValues(items);
    if (!refs) return super.array(schema, depth);
    const min = num(schema["minItems"]) ?? 0;
    const max = num(schema["maxItems"]) ?? Number.POSITIVE_INFINITY;
    const { texts, refs: used } = this.objectScope;
    // No strings to cite from: the elements of the phrases a string here would be made of.
    const grounds = texts.length > 0 ? used : this.pool().phrases.flatMap((p) => p.refs);
    const cited = [...new Set(grounds)].filter((r) => refs.includes(r));
    for (const r of refs) if (cited.length < min && !cited.includes(r)) cited.push(r);
    return cited.slice(0, max);
  }

  protected override arrayLength(items: Schema, min: number, maxItems: number | undefined): number {
    const item = this.resolve(items);
    const properties = Object.values(asSchema(item["properties"])).map((p) => this.resolve(asSchema(p)));
    let available: number | undefined;
    if (properties.some((p) => this.refValues(p))) {
      available = this.g.sources.filter((s) => !this.takenRefs.has(s.ref)).length;
    } else if (this.isFreeText(item) || properties.some((p) => this.isFreeText(p))) {
      const pool = this.pool();
      available = pool.phrases.length - (this.cursors.get(pool.key) ?? 0);
    }
    return available === undefined ? super.arrayLength(items, min, maxItems) : Math.min(maxItems ?? available, Math.max(min, available));
  }

  protected override string(schema: Schema): string {
    if (!this.isFreeText(schema)) return super.string(schema);
    const minLength = num(schema["minLength"]) ?? 0;
    const maxLength = Math.max(minLength, num(schema["maxLength"]) ?? DEFAULT_MAX_LENGTH);
    const pool = this.pool();
    const taken: Phrase[] = [];
    let text = "";
    const limit = maxLength <= SHORT_FIELD ? 1 : MAX_PHRASES;
    for (let tries = 0; pool.phrases.length > 0 && tries < pool.phrases.length && taken.length < limit; tries++) {
      const cursor = this.cursors.get(pool.key) ?? 0;
      const phrase = pool.phrases[cursor % pool.phrases.length]!;
      const words = maxLength <= KEYWORD_FIELD ? keyWords(phrase.text) : phrase.text;
      const next = text === "" ? words : `${text} ${words}`;
      if (taken.length > 0 && length(next) > maxLength && length(text) >= minLength) break;
      this.cursors.set(pool.key, cursor + 1);
      taken.push(phrase);
      text = next;
    }
    text = cut(text, maxLength);
    while (length(text) < minLength) text = text === "" ? this.word() : `${text} ${this.word()}`;
    // Lengths the phrases cannot meet get random mode's string (valid first, grounded where it can be).
    if (length(text) > maxLength) return super.string(schema);
    if (taken.length > 0) this.record(taken);
    return text;
  }

  private record(phrases: Phrase[]): void {
    const refs = this.scope.source !== undefined ? [this.scope.source] : phrases.flatMap((p) => p.refs);
    // Labels are judged on the phrases a string was made of (a claim's key words alone may miss the cue).
    const source = phrases.map((p) => p.text).join(" ");
    for (const s of this.scopes) {
      s.texts.push(source);
      s.refs.push(...refs.filter((r) => r !== ""));
    }
  }

  /**
   * The phrases a string here may use: its element's (under a key naming a topic, those mainly about
   * it, else those with its words, when it has any), else every element's by salience, kept to the topic.
   */
  private pool(): { key: string; phrases: Phrase[] } {
    const { source, topic, keyTopic } = this.scope;
    if (source !== undefined) {
      const own = this.g.bySource.get(source)!.phrases;
      if (keyTopic) {
        const about = own.filter((p) => mainTopics(p.text).includes(keyTopic));
        const mentioning = own.filter((p) => topicHits(keyTopic, p.text) > 0);
        const onTopic = about.length > 0 ? about : mentioning;
        if (onTopic.length > 0) return { key: `ref:${source}:${keyTopic.names[0]}:${onTopic === about ? "main" : "any"}`, phrases: onTopic };
      }
      return { key: `ref:${source}`, phrases: own };
    }
    if (!topic) return { key: "all", phrases: this.g.salient };
    return { key: `topic:${topic.names[0]}`, phrases: this.g.salient.filter((p) => topicHits(topic, p.text) > 0) };
  }

  /** The phrases this part of the answer is grounded in: its element's, else its pool. */
  private groundingPhrases(): Phrase[] {
    const { source } = this.scope;
    return source !== undefined ? this.g.bySource.get(source)!.phrases : this.pool().phrases;
  }

  /** What an enum or a score here is judged on: its object's strings, else its element, else its pool. */
  private groundingText(): string {
    const own = this.objectScope.texts;
    if (own.length > 0) return own.join(" ");
    const { source } = this.scope;
    if (source !== undefined) return this.g.bySource.get(source)!.text;
    return this.scope.topic ? this.pool().phrases.map((p) => p.text).join(" ") : "";
  }

  private pickRef(values: string[]): string {
    const ref = values.find((v) => !this.takenRefs.has(v)) ?? values[0]!;
    this.takenRefs.add(ref);
    // The object holding this reference is about that element from here on.
    this.objectScope.source = ref;
    return ref;
  }

  private isRefList(values: JsonValue[]): boolean {
    return values.length > 0 && values.every((v) => typeof v === "string" && v !== "" && this.g.bySource.has(v));
  }

  private refValues(schema: Schema): string[] | undefined {
    const values = schema["enum"];
    return Array.isArray(values) && this.isRefList(values as JsonValue[]) ? (values as string[]) : undefined;
  }

  private isFreeText(schema: Schema): boolean {
    return this.typeOf(schema) === "string" && !("enum" in schema) && !("const" in schema) && schema["format"] === undefined && schema["pattern"] === undefined;
  }
}

/** Length in characters as JSON schema counts them (code points). */
const length = (text: string): number => [...text].length;

/** At most `max` code points, at a word boundary when there is one. */
function cut(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max).join("");
  const space = head.lastIndexOf(" ");
  return (space > 0 ? head.slice(0, space) : head).trim();
}

function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
