// An analysis asks for many answers over one prompt at once (an answer per review for sentiment and
// step B, per aspect for the summary): the requests differ only in their output schema and length.
// Sent as separate Complete calls, the gateway receives and checks the same prompt once per request,
// one after another (about a millisecond each), and the last request of a round reaches the engine
// that much later. Requests made together (in one synchronous run) over the same prompt go as one
// CompleteShared call instead: the prompt travels once, and each answer still arrives on its own as
// soon as it is done. A request alone in its round goes as Complete, as before.
import { propagation, context as otelContext } from "@opentelemetry/api";
import type { inference } from "@reviewlens/contracts";
import { ClientError, Status, type Metadata } from "nice-grpc-common";
import type { LlmGateway } from "./llm-gateway.js";

type CallOptions = { signal?: AbortSignal | undefined; metadata?: Metadata };
export type CompleteShared = (request: inference.CompleteSharedRequest, options?: { signal?: AbortSignal; metadata?: Metadata }) => AsyncIterable<inference.CompleteSharedResponse>;

const COMPLETE_SHARED_PATH = "/reviewlens.inference.v1.InferenceGatewayService/CompleteShared";

interface Waiting {
  request: inference.CompleteRequest;
  options: CallOptions | undefined;
  traceparent: string;
  resolve(response: inference.CompleteResponse): void;
  reject(error: unknown): void;
}

/** Identities of the callers' cancellation signals: requests cancelled together share a round. */
class SignalIds {
  private readonly ids = new WeakMap<AbortSignal, number>();
  private next = 1;
  of(signal: AbortSignal | undefined): number {
    if (signal === undefined) return 0;
    let id = this.ids.get(signal);
    if (id === undefined) this.ids.set(signal, (id = this.next++));
    return id;
  }
}

/**
 * The round a request may join: the same messages, the same caller signal, and every other field
 * equal but the output schema and length. A request with an idempotency key goes alone: its key names
 * that request.
 */
function roundKey(request: inference.CompleteRequest, options: CallOptions | undefined, signals: SignalIds): string | undefined {
  const llm = request.request;
  if (llm?.prompt?.$case !== "chat" || llm.idempotencyKey) return undefined;
  const { maxTokens: _ownLength, ...sampling } = llm.sampling ?? ({} as Partial<inference.SamplingParams>);
  const { prompt, jsonSchema: _ownSchema, sampling: _sampling, ...rest } = llm;
  return JSON.stringify([signals.of(options?.signal), sampling, rest, prompt.value.messages]);
}

function traceparentOfActiveSpan(): string {
  const carrier: Record<string, string> = {};
  propagation.inject(otelContext.active(), carrier);
  return carrier["traceparent"] ?? "";
}

/** `client` whose concurrent requests over one prompt go to the gateway as one CompleteShared call. */
export function withSharedPromptRounds<C extends LlmGateway & { completeShared?: CompleteShared }>(client: C): C {
  if (!client.completeShared) return client;
  const completeShared = client.completeShared.bind(client);
  const signals = new SignalIds();
  const rounds = new Map<string, Waiting[]>();
  // A gateway older than CompleteShared answers UNIMPLEMENTED (a rolling upgrade that reached the
  // analyses first): its rounds go as separate Complete calls from then on.
  let sharedUnsupported = false;

  const alone = (w: Waiting) =>
    client.complete(w.request, w.options).then(
      (response) => w.resolve(response),
      (error: unknown) => w.reject(error),
    );

  async function send(round: Waiting[]): Promise<void> {
    if (round.length === 1 || sharedUnsupported) {
      round.forEach(alone);
      return;
    }
    const [first] = round as [Waiting];
    const answered = new Set<number>();
    try {
      const variants = round.map((w) => ({ jsonSchema: w.request.request!.jsonSchema, maxTokens: w.request.request!.sampling?.maxTokens ?? 0, traceparent: w.traceparent }));
      const { signal, metadata } = first.options ?? {};
      for await (const item of completeShared({ request: first.request.request, variants }, { ...(signal ? { signal } : {}), ...(metadata ? { metadata } : {}) })) {
        const waiting = round[item.variant];
        if (!waiting || answered.has(item.variant)) continue;
        answered.add(item.variant);
        if (item.outcome?.$case === "response") waiting.resolve(item.outcome.value);
        else waiting.reject(new ClientError(COMPLETE_SHARED_PATH, item.outcome?.value.code ?? Status.INTERNAL, item.outcome?.value.message ?? "the gateway answered a variant without an outcome"));
      }
      const missing = new ClientError(COMPLETE_SHARED_PATH, Status.INTERNAL, "the gateway ended the call without answering this request");
      round.forEach((w, i) => answered.has(i) || w.reject(missing));
    } catch (error) {
      if (error instanceof ClientError && error.code === Status.UNIMPLEMENTED && answered.size === 0) {
        sharedUnsupported = true;
        round.forEach(alone);
        return;
      }
      round.forEach((w, i) => answered.has(i) || w.reject(error));
    }
  }

  const complete: LlmGateway["complete"] = (request, options) => {
    const key = sharedUnsupported ? undefined : roundKey(request, options, signals);
    if (key === undefined) return client.complete(request, options);
    return new Promise((resolve, reject) => {
      let round = rounds.get(key);
      if (!round) {
        rounds.set(key, (round = []));
        // Every request of the round is made in one synchronous loop of the analysis; the round goes
        // as soon as that loop is done, before any later work of this turn (afterDispatch's) can hold it.
        queueMicrotask(() => {
          rounds.delete(key);
          void send(round!);
        });
      }
      round.push({ request, options, traceparent: traceparentOfActiveSpan(), resolve, reject });
    });
  };
  return Object.assign(Object.create(client) as C, { complete });
}
