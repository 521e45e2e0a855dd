// In-memory fakes for unit tests of analysis logic: a whitespace/character tokenizer and a gateway
// that answers from a script.
import type { inference } from "@reviewlens/contracts";
import type { ChatTurn, LlmGateway, PromptTokenizer } from "../src/index.js";

/** One token per character: predictable budgets in tests (the services use the exact Qwen2.5 tokenizer). */
export const charTokenizer: PromptTokenizer = {
  encode: (text) => Array.from(text, (c) => c.codePointAt(0)!),
  decode: (ids) => String.fromCodePoint(...ids),
  count: (text) => Array.from(text).length,
  renderChat: (messages: readonly ChatTurn[]) => messages.map((m) => `<|${m.role}|>${m.content}`).join("") + "<|assistant|>",
  vocabSize: 0x110000,
};

/** `inner`, calling `onFirstSight` the first time it is asked to tokenise or render a text holding `marker`. */
export function noticingTokenizer(inner: PromptTokenizer, marker: string, onFirstSight: () => void): PromptTokenizer {
  let seen = false;
  const notice = (text: string) => {
    if (!seen && text.includes(marker)) {
      seen = true;
      onFirstSight();
    }
  };
  return {
    ...inner,
    encode: (text) => (notice(text), inner.encode(text)),
    count: (text) => (notice(text), inner.count(text)),
    renderChat: (messages, addGenerationPrompt) => {
      const rendered = inner.renderChat(messages, addGenerationPrompt);
      notice(rendered);
      return rendered;
    },
  };
}

export type Answerer = (request: inference.CompleteRequest, call: number) => string;

export class ScriptedGateway implements LlmGateway {
  readonly requests: inference.CompleteRequest[] = [];
  constructor(private readonly answer: Answerer) {}

  async complete(request: inference.CompleteRequest): Promise<inference.CompleteResponse> {
    this.requests.push(request);
    const text = this.answer(request, this.requests.length);
    await new Promise((r) => setImmediate(r));
    return {
      text,
      finishReason: "stop",
      usage: { promptTokens: 100, outputTokens: 10, totalTokens: 110, allReviewsPromptTokens: 0, cachedPromptTokens: 60, allReviewsCachedPromptTokens: 0 },
      timings: { queueMs: 1, ttftMs: 5, prefillMs: 4, decodeMs: 20, tpotMs: 2, e2eMs: 25, tokensPerSecond: 500 },
      execution: undefined,
    };
  }
}

/** The chat messages of a request. */
export const messagesOf = (request: inference.CompleteRequest) =>
  request.request?.prompt?.$case === "chat" ? request.request.prompt.value.messages : [];

/** The keys a request's answer must hold (review refs 1, 2, ..., summary keys), from its schema. */
export const refsOf = (request: inference.CompleteRequest): string[] =>
  (JSON.parse(request.request!.jsonSchema!.schemaJson) as { required: string[] }).required;
