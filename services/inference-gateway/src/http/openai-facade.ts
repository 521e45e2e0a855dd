// The OpenAI-compatible HTTP facade: /v1/completions, /v1/chat/completions (with SSE streaming),
// /v1/embeddings, /v1/models in front of the same queue, plus the backend-pool admin endpoints.
// Standard OpenAI clients and LLM benchmark tools drive the gateway through it.
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { bearerKey, CancelledError, InvalidArgumentError, quoted } from "@reviewlens/runtime";
import type { BackendPool } from "../backend-pool.js";
import type { CallerEvent, InferenceGateway } from "../inference-gateway.js";
import type { JsonSchemaFormat, LlmRequest, Prompt } from "../llm-request.js";
import { parsePriorityClass, type PriorityClass } from "../scheduling/priority-class.js";
import { checkEmbedInput, checkLlmRequest, checkModelName, OPENAI_FIELD_NAMES, type RequestLimits } from "../request-validation.js";
import { registerAdminRoutes } from "./admin-routes.js";
import { checkFacadeFields } from "./facade-fields.js";
import { errorReply } from "./openai-error-reply.js";
import { gatewayKeyCheck } from "../tenancy/gateway-key-check.js";
import { TENANT_HEADER, type IdentifyTenant } from "../tenancy/tenant-identity.js";

export interface FacadeOptions {
  apiKey?: string | undefined;
  limits: RequestLimits;
  defaultPriority: PriorityClass;
  /** Names a request's tenant from its Authorization and x-tenant headers (default: everyone is `default`). */
  identify?: IdentifyTenant | undefined;
  /** Tenants' API keys (SHA-256 -> tenant): with GATEWAY_API_KEY set, these keys are let in too. */
  tenantKeys?: ReadonlyMap<string, string> | undefined;
}

interface CompletionBody {
  model?: string;
  prompt?: unknown;
  messages?: Array<{ role: string; content: unknown }>;
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  seed?: number;
  stop?: string | string[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type?: string; json_schema?: { name?: string; schema?: Record<string, unknown>; strict?: boolean } };
  priority?: string;
  ttft_deadline_ms?: number;
  min_tokens?: number;
  ignore_eos?: boolean;
  restaurant_id?: string;
  analysis_type?: string;
}

interface EmbeddingsBody {
  input?: unknown;
  model?: string;
  encoding_format?: unknown;
  dimensions?: number;
}

/**
 * `encoding_format` as OpenAI and vLLM answer it: a list of floats, or base64 of little-endian
 * float32 values (what the openai SDK asks for by default and decodes).
 */
function embeddingEncoder(format: unknown): (vector: number[]) => number[] | string {
  if (format === undefined || format === null || format === "float") return (vector) => vector;
  if (format === "base64") return (vector) => Buffer.from(Float32Array.from(vector).buffer).toString("base64");
  throw new InvalidArgumentError("encoding_format", "must be float or base64");
}

const completionSchema = {
  type: "object",
  properties: {
    model: { type: "string" },
    max_tokens: { type: "integer", minimum: 0 },
    max_completion_tokens: { type: "integer", minimum: 0 },
    temperature: { type: "number" },
    top_p: { type: "number" },
    seed: { type: "integer", minimum: 0 },
    stop: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
    stream: { type: "boolean" },
    priority: { type: "string" },
    ttft_deadline_ms: { type: "integer", minimum: 1 },
    min_tokens: { type: "integer", minimum: 0 },
    ignore_eos: { type: "boolean" },
    n: { type: "integer", minimum: 1, maximum: 1 },
  },
};

/** `response_format` as vLLM reads it: json_object is any JSON object, text is no constraint. */
function jsonSchemaOf(format: CompletionBody["response_format"]): JsonSchemaFormat | undefined {
  if (format === undefined || format === null) return undefined;
  switch (format.type) {
    case "text":
      return undefined;
    case "json_object":
      return { name: "json_object", schema: { type: "object" }, strict: false };
    case "json_schema":
      if (!format.json_schema?.schema) throw new InvalidArgumentError("response_format.json_schema.schema", "is required");
      return { name: format.json_schema.name ?? "output", schema: format.json_schema.schema, strict: format.json_schema.strict ?? false };
    default:
      throw new InvalidArgumentError("response_format.type", "must be text, json_object or json_schema");
  }
}

function toPrompt(body: CompletionBody, chat: boolean): Prompt | undefined {
  if (chat) {
    if (!Array.isArray(body.messages)) throw new InvalidArgumentError("messages", "must be an array of {role, content}");
    return {
      kind: "chat",
      messages: body.messages.map((m, i) => {
        // Text parts (checkFacadeFields let no others through), joined with newlines as vLLM joins them.
        const content = Array.isArray(m.content) ? (m.content as Array<{ text: string }>).map((p) => p.text).join("\n") : m.content;
        if (typeof content !== "string") throw new InvalidArgumentError(`messages[${i}].content`, "must be a string or text parts");
        return { role: String(m.role), content };
      }),
    };
  }
  const prompt: unknown = Array.isArray(body.prompt) && body.prompt.length === 1 ? (body.prompt as unknown[])[0] : body.prompt;
  if (typeof prompt !== "string") throw new InvalidArgumentError("prompt", "must be one string");
  return { kind: "text", text: prompt };
}

function toLlmRequest(body: CompletionBody, chat: boolean, headers: FastifyRequest["headers"], options: FacadeOptions): LlmRequest {
  const priorityRaw = body.priority ?? (headers["x-priority"] as string | undefined);
  const priority = priorityRaw === undefined ? options.defaultPriority : parsePriorityClass(priorityRaw);
  if (!priority) throw new InvalidArgumentError("priority", "must be interactive, standard or batch");
  const deadlineHeader = headers["x-ttft-deadline-ms"] as string | undefined;
  return checkLlmRequest(
    {
      prompt: toPrompt(body, chat),
      model: body.model ?? "",
      sampling: {
        maxTokens: body.max_completion_tokens ?? body.max_tokens ?? 0,
        temperature: body.temperature,
        topP: body.top_p,
        seed: body.seed,
        stop: body.stop === undefined ? [] : Array.isArray(body.stop) ? body.stop : [body.stop],
        minTokens: body.min_tokens,
        ignoreEos: body.ignore_eos,
      },
      jsonSchema: jsonSchemaOf(body.response_format),
      priority,
      ttftDeadlineMs: body.ttft_deadline_ms ?? (deadlineHeader ? Number(deadlineHeader) : undefined),
      idempotencyKey: (headers["idempotency-key"] as string | undefined) || undefined,
      restaurantId: body.restaurant_id,
      analysisType: body.analysis_type,
      tenant: options.identify?.({ authorization: headers.authorization, tenantHeader: headers[TENANT_HEADER] as string | undefined }),
    },
    { ...OPENAI_FIELD_NAMES, maxTokens: body.max_completion_tokens !== undefined ? "max_completion_tokens" : "max_tokens" },
    options.limits,
  );
}

/** Aborts when the client goes away before the response is complete. */
function clientSignal(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on("close", () => {
    if (!reply.raw.writableFinished) controller.abort(new CancelledError("the client disconnected"));
  });
  request.raw.on("aborted", () => controller.abort(new CancelledError("the client disconnected")));
  return controller.signal;
}

export async function startOpenAiFacade(
  gateway: InferenceGateway,
  pool: BackendPool,
  options: FacadeOptions,
  listen: { host: string; port: number },
): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify({ bodyLimit: options.limits.maxPromptChars * 4 + 1_000_000, forceCloseConnections: "idle" });
  // A response that ends while the facade closes would keep its connection open until the 72 s
  // keep-alive timeout and hold the process: close connections as they turn idle.
  let sweep: NodeJS.Timeout | undefined;
  app.addHook("preClose", async () => void (sweep = setInterval(() => app.server.closeIdleConnections(), 50)));
  app.addHook("onClose", async () => clearInterval(sweep));
  let servedModel: string | undefined;
  // The name answers carry when the request names none; unknown while the pool is cold (the request is held, not refused).
  const modelName = async (requested: string, signal: AbortSignal) =>
    requested || (servedModel ??= await gateway.models(signal).then((m) => m[0]?.id, () => undefined)) || "default";

  app.setErrorHandler((error: { validation?: Array<{ instancePath?: string }>; message: string; statusCode?: number }, _request, reply) => {
    if (error.validation) {
      const param = error.validation[0]?.instancePath?.replace(/^\//, "").replaceAll("/", ".") || null;
      return reply.status(400).send({ error: { message: error.message, type: "invalid_request_error", param, code: null } });
    }
    // Fastify's own refusals of a request (an empty or malformed body, one too large, another
    // content type) carry their 4xx status: the client's mistake, said as OpenAI says it.
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: { message: error.message, type: "invalid_request_error", param: null, code: null } });
    }
    const { status, headers, body } = errorReply(error);
    return reply.status(status).headers(headers).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { message: `no route ${request.method} ${quoted(request.url.split("?")[0] ?? "", 100)}: the facade serves /v1/completions, /v1/chat/completions, /v1/embeddings and /v1/models`, type: "invalid_request_error", param: null, code: "not_found" },
    }),
  );

  const matches = gatewayKeyCheck(options.apiKey, options.tenantKeys ?? new Map());
  if (matches) {
    app.addHook("onRequest", async (request, reply) => {
      if (!matches(bearerKey(request.headers.authorization))) {
        return reply.status(401).send({ error: { message: "a valid API key is required (Authorization: Bearer ...)", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
      }
    });
  }

  app.get("/v1/models", async (request, reply) => {
    const models = await gateway.models(clientSignal(request, reply));
    return { object: "list", data: models.map((m) => ({ id: m.id, object: "model", created: 0, owned_by: "reviewlens", ...(m.maxModelLen ? { max_model_len: m.maxModelLen } : {}) })) };
  });

  const completions = (chat: boolean) => async (request: FastifyRequest<{ Body: CompletionBody }>, reply: FastifyReply) => {
    const body = request.body;
    checkFacadeFields(chat ? "chat" : "completion", body);
    const llm = toLlmRequest(body, chat, request.headers, options);
    const signal = clientSignal(request, reply);
    const model = await modelName(llm.model, signal);
    const id = `${chat ? "chatcmpl" : "cmpl"}-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1_000);
    const events = gateway.run(llm, signal, body.stream === true);
    const choice = (text: string, finishReason: string | null) =>
      chat ? { index: 0, delta: text ? { content: text } : {}, logprobs: null, finish_reason: finishReason } : { index: 0, text, finish_reason: finishReason, logprobs: null };
    const object = chat ? "chat.completion.chunk" : "text_completion";
    const usageOf = (done: Extract<CallerEvent, { type: "done" }>) => ({
      prompt_tokens: done.usage.promptTokens,
      completion_tokens: done.usage.outputTokens,
      total_tokens: done.usage.promptTokens + done.usage.outputTokens,
      prompt_tokens_details: { cached_tokens: done.usage.cachedPromptTokens },
    });
    const extension = (done: Extract<CallerEvent, { type: "done" }>) => ({ timings: done.timings, execution: done.execution });

    if (!body.stream) {
      let text = "";
      for await (const event of events) {
        if (event.type === "delta") text += event.text;
        else {
          const message = chat
            ? { index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: event.finishReason }
            : { index: 0, text, finish_reason: event.finishReason, logprobs: null };
          return { id, object: chat ? "chat.completion" : "text_completion", created, model, choices: [message], usage: usageOf(event), reviewlens: extension(event) };
        }
      }
      throw new Error("the execution ended without a result");
    }

    // Streaming: refusals arrive before the first event, so they still get a proper HTTP status.
    const iterator = events[Symbol.asyncIterator]();
    const first = await iterator.next();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const send = (data: object) => raw.write(`data: ${JSON.stringify({ id, object, created, model, ...data })}\n\n`);
    if (chat) send({ choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }] });
    try {
      for (let step = first; !step.done; step = await iterator.next()) {
        const event = step.value;
        if (event.type === "delta") {
          send({ choices: [choice(event.text, null)] });
          continue;
        }
        send({ choices: [choice("", event.finishReason)] });
        if (body.stream_options?.include_usage) send({ choices: [], usage: usageOf(event), reviewlens: extension(event) });
      }
      raw.write("data: [DONE]\n\n");
    } catch (error) {
      if (!signal.aborted) raw.write(`data: ${JSON.stringify(errorReply(error).body)}\n\n`);
    }
    raw.end();
    return undefined;
  };

  app.post("/v1/completions", { schema: { body: { ...completionSchema, required: ["prompt"] } } }, completions(false));
  app.post("/v1/chat/completions", { schema: { body: { ...completionSchema, required: ["messages"] } } }, completions(true));

  app.post<{ Body: EmbeddingsBody }>("/v1/embeddings", async (request, reply) => {
    const body = request.body;
    checkFacadeFields("embeddings", body);
    const input = typeof body.input === "string" ? [body.input] : body.input;
    checkEmbedInput(input, "input", options.limits);
    if (body.model !== undefined) {
      if (typeof body.model !== "string") throw new InvalidArgumentError("model", "must be a string");
      checkModelName(body.model, "model");
    }
    const encode = embeddingEncoder(body.encoding_format);
    if (body.dimensions !== undefined && !(Number.isInteger(body.dimensions) && body.dimensions >= 1)) {
      throw new InvalidArgumentError("dimensions", "must be a positive integer");
    }
    const result = await gateway.embed(input, body.model ?? "", clientSignal(request, reply), body.dimensions, undefined, "input");
    return {
      object: "list",
      model: result.model,
      data: result.vectors.map((vector, index) => ({ object: "embedding", index, embedding: encode(vector) })),
      usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
    };
  });

  registerAdminRoutes(app, pool);

  await app.listen({ host: listen.host, port: listen.port });
  const address = app.server.address();
  return { app, port: typeof address === "object" && address ? address.port : listen.port };
}
