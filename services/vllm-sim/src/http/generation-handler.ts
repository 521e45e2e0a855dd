// POST /v1/completions and /v1/chat/completions: validate, apply injected faults, plan the output
// (echo, random words, or a JSON-schema instance: random or grounded in the prompt), hand the request
// to the engine, answer as it runs.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Qwen25Tokenizer } from "@reviewlens/tokenizer";
import type { CostProfile } from "../engine/cost-model.js";
import { EngineRequest, type RequestListener } from "../engine/engine-request.js";
import type { StepLoop } from "../engine/step-loop.js";
import { groundedJsonInstance } from "../output/grounded-json-instance.js";
import { randomJsonInstance } from "../output/json-schema-instance.js";
import { groundedText, groundPrompt } from "../output/prompt-grounding.js";
import { violateSchema } from "../output/schema-violation.js";
import { OutputSequence } from "../output/output-sequence.js";
import { createRandom, seedFromTokens, type RandomSource } from "../output/random-source.js";
import type { TokenText } from "../output/token-text.js";
import { ApiError, badField, sendError, sendJson } from "./api-error.js";
import { FAULT_HEADER, type ErrorKind, type FaultInjector } from "./fault-injector.js";
import { parseGenerationParams, type Endpoint, type GenerationParams } from "./generation-params.js";
import type { QueueAdmission } from "./queue-admission.js";
import { readJsonBody } from "./request-body.js";
import { responseShape } from "./response-shape.js";
import { StreamResponder, usageOf } from "./stream-responder.js";

export const OUTPUT_MODES = ["random", "echo", "grounded"] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];
export const OUTPUT_HEADER = "x-sim-output";

export interface GenerationDeps {
  loop: StepLoop;
  tokenizer: Qwen25Tokenizer;
  text: TokenText;
  words: readonly string[];
  profile: CostProfile;
  priorityScheduling: boolean;
  /** usage.prompt_tokens_details.cached_tokens in every usage (vLLM's --enable-prompt-tokens-details). */
  promptTokensDetails: boolean;
  faults: FaultInjector;
  outputMode: OutputMode;
  meanOutputTokens: number;
  /** Seeds requests that give no seed and sample (temperature > 0). */
  random: RandomSource;
  admission: QueueAdmission;
}

function contextLengthError(p: GenerationParams, maxModelLen: number, maxTokens: number): ApiError {
  const where = p.endpoint === "chat" ? "messages" : "prompt";
  return new ApiError(
    400,
    `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${p.promptIds.length + maxTokens} tokens ` +
      `(${p.promptIds.length} in the ${where}, ${maxTokens} in the completion). Please reduce the length of the ${where} or completion.`,
    p.endpoint === "chat" ? "messages" : "prompt",
  );
}

const INJECTED: Record<Exclude<ErrorKind, "400">, string> = {
  "429": "Too many requests (injected by vllm-sim).",
  "500": "Internal server error (injected by vllm-sim).",
  "503": "Service unavailable (injected by vllm-sim).",
};

function injectedError(kind: ErrorKind, p: GenerationParams, maxModelLen: number): ApiError {
  if (kind === "400") return contextLengthError(p, maxModelLen, maxModelLen);
  return new ApiError(Number(kind), INJECTED[kind], null, kind === "429" ? { "retry-after": "1" } : {});
}

function plannedOutput(p: GenerationParams, mode: OutputMode, random: RandomSource, deps: GenerationDeps, violate: boolean): number[] | null {
  const grounding = mode === "grounded" ? groundPrompt(p.userText ?? deps.tokenizer.decode(p.promptIds)) : undefined;
  if (p.jsonSchema !== undefined) {
    let instance;
    try {
      const options = { random, words: deps.words };
      instance = grounding ? groundedJsonInstance(p.jsonSchema, options, grounding) : randomJsonInstance(p.jsonSchema, options);
    } catch (error) {
      throw badField("response_format", (error as Error).message);
    }
    return deps.tokenizer.encode(JSON.stringify(violate ? violateSchema(p.jsonSchema, instance) : instance));
  }
  if (grounding) return deps.tokenizer.encode(groundedText(grounding));
  return mode === "echo" ? p.echoIds() : null;
}

export async function handleGeneration(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse, deps: GenerationDeps): Promise<void> {
  const { profile, loop } = deps;
  const params = parseGenerationParams(endpoint, await readJsonBody(req), {
    tokenizer: deps.tokenizer,
    servedModelName: profile.servedModelName,
    priorityScheduling: deps.priorityScheduling,
  });
  const forced = req.headers[FAULT_HEADER];
  const decision = deps.faults.decide(typeof forced === "string" ? forced : undefined);
  const promptLen = params.promptIds.length;
  if (promptLen >= profile.maxModelLen) {
    throw new ApiError(400, `This model's maximum context length is ${profile.maxModelLen} tokens. However, your request has ${promptLen} input tokens. Please reduce the length of the input.`, endpoint === "chat" ? "messages" : "prompt");
  }
  const maxTokens = params.maxTokens ?? profile.maxModelLen - promptLen;
  if (promptLen + maxTokens > profile.maxModelLen) throw contextLengthError(params, profile.maxModelLen, maxTokens);
  if (decision.error) throw injectedError(decision.error, params, profile.maxModelLen);

  if (decision.delayMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, decision.delayMs * loop.timeScale));
    if (res.destroyed || req.destroyed) return;
  }
  // Last before the engine, as vLLM checks before the stream starts: a refused stream is a plain 503.
  deps.admission.check();

  const modeHeader = req.headers[OUTPUT_HEADER];
  if (modeHeader !== undefined && !OUTPUT_MODES.includes(modeHeader as OutputMode)) throw badField(OUTPUT_HEADER, `must be ${OUTPUT_MODES.join(", ")}`);
  const mode = (modeHeader as OutputMode | undefined) ?? deps.outputMode;
  const seed = params.seed ?? (params.temperature === 0 ? seedFromTokens(params.promptIds) : Math.floor(deps.random.next() * 2 ** 32));
  const random = createRandom(seed);
  const planned = plannedOutput(params, mode, random, deps, decision.schemaViolation === true);
  const half = Math.ceil(deps.meanOutputTokens / 2);
  const output = new OutputSequence({
    planned,
    naturalLength: random.int(half, deps.meanOutputTokens + half - 1),
    maxTokens,
    minTokens: params.minTokens,
    ignoreEos: params.ignoreEos,
    stop: params.stop,
    stopTokenIds: params.stopTokenIds,
    includeStopStrInOutput: params.includeStopStrInOutput,
    eosTokenId: deps.tokenizer.eosTokenId,
    random,
    text: deps.text,
  });
  const id = `${endpoint === "chat" ? "chatcmpl" : "cmpl"}-${randomUUID().replace(/-/g, "")}`;
  const shape = responseShape(endpoint, id, profile.servedModelName, params.includeUsage);
  const echoText = params.echo ? (params.promptText ?? deps.tokenizer.decode(params.promptIds)) : null;
  let listener: RequestListener;
  if (params.stream) {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
    res.flushHeaders();
    const stall = decision.stall ? { afterTokens: decision.stall.afterTokens, wallMs: decision.stall.ms * loop.timeScale } : undefined;
    listener = new StreamResponder(res, shape, output, params.includeUsage, echoText, stall, deps.promptTokensDetails);
  } else {
    listener = {
      onProgress(request) {
        if (request.status !== "finished" || res.destroyed) return;
        const text = (echoText ?? "") + output.text;
        sendJson(res, 200, shape.whole(text, request.finishReason ?? "abort", output.stopReason, usageOf(request, deps.promptTokensDetails)));
      },
    };
  }
  const request = new EngineRequest(id, params.promptIds, output, listener, params.priority);
  // A client that goes away aborts its request and frees its slot and KV blocks (as vLLM).
  res.once("close", () => {
    if (request.status !== "finished") loop.abort(request);
  });
  loop.submit(request);
}

export function answerGenerationError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : undefined);
    return;
  }
  sendError(res, error instanceof ApiError ? error : new ApiError(500, (error as Error).message ?? String(error)));
}
