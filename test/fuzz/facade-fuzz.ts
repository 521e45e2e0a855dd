// The OpenAI-compatible facade under the same treatment: /v1/completions, /v1/chat/completions,
// /v1/embeddings and /v1/models with valid bodies, boundary values, one-field mutations (the 400 must
// name that field as `param`) and malformed bodies. Never a 5xx; every error an OpenAI error object.
import fc from "fast-check";
import { FACADE_KEY, type FuzzStack } from "./fuzz-stack.js";
import { describeInput, type FuzzRecorder, type RunsPerCategory } from "./fuzz-runner.js";
import { anyDouble, anyString, anyUint32, hugeString, MB } from "./fuzz-values.js";

interface HttpOutcome {
  status: number;
  body: string;
}

interface FacadeRequest {
  method: "GET" | "POST";
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

type Endpoint = "/v1/completions" | "/v1/chat/completions" | "/v1/embeddings" | "/v1/models";
const ENDPOINTS: Endpoint[] = ["/v1/completions", "/v1/chat/completions", "/v1/embeddings", "/v1/models"];
const ALLOWED = new Set([200, 400, 404, 413, 415]);

async function send(stack: FuzzStack, request: FacadeRequest): Promise<HttpOutcome> {
  const response = await fetch(`${stack.facadeUrl}${request.path}`, {
    method: request.method,
    headers: { authorization: `Bearer ${FACADE_KEY}`, ...(request.body !== undefined ? { "content-type": "application/json" } : {}), ...request.headers },
    ...(request.body !== undefined ? { body: request.body } : {}),
    signal: AbortSignal.timeout(120_000),
  });
  return { status: response.status, body: await response.text() };
}

/** Problems with one answer: a 5xx, an unexpected status, an error that is not an OpenAI error object, an SSE stream that does not end. */
function judgeHttp(outcome: HttpOutcome, expectedParam?: string): string[] {
  const problems: string[] = [];
  if (!ALLOWED.has(outcome.status)) problems.push(`HTTP ${outcome.status}: ${outcome.body.slice(0, 300)}`);
  if (outcome.status === 200) {
    if (outcome.body.startsWith("data: ") && !/data: \[DONE\]\n\n$/.test(outcome.body)) problems.push(`the SSE stream did not end with [DONE]: ...${outcome.body.slice(-300)}`);
    return problems;
  }
  let error: { message?: unknown; type?: unknown; param?: unknown } | undefined;
  try {
    error = (JSON.parse(outcome.body) as { error?: typeof error }).error;
  } catch {
    problems.push(`HTTP ${outcome.status} with a body that is not JSON: ${outcome.body.slice(0, 200)}`);
  }
  if (error && (typeof error.message !== "string" || error.type !== "invalid_request_error")) problems.push(`HTTP ${outcome.status}: not an invalid_request_error: ${outcome.body.slice(0, 300)}`);
  if (error && typeof error.message === "string" && error.message.length > 1_000) problems.push(`a ${error.message.length}-character error message echoes the input`);
  if (expectedParam !== undefined && (outcome.status !== 400 || error?.param !== expectedParam)) problems.push(`HTTP ${outcome.status}, param ${JSON.stringify(error?.param)}; expected 400 naming ${JSON.stringify(expectedParam)}: ${outcome.body.slice(0, 200)}`);
  return problems;
}

const json = (value: unknown) => JSON.stringify(value);
const post = (path: Endpoint, body: unknown): FacadeRequest => ({ method: "POST", path, body: json(body) });

const validCompletion = fc.record({ prompt: fc.constantFrom("안녕하세요", "Say hi."), max_tokens: fc.integer({ min: 1, max: 6 }), temperature: fc.double({ min: 0, max: 2, noNaN: true }), stream: fc.boolean() });
const validChat = fc.record({
  messages: fc.array(fc.record({ role: fc.constantFrom("system", "user", "assistant"), content: fc.constantFrom("국물 맛이 어때요?", "Summarise.") }), { minLength: 1, maxLength: 3 }),
  max_tokens: fc.integer({ min: 1, max: 6 }),
  stream: fc.boolean(),
  stream_options: fc.constant({ include_usage: true }),
  response_format: fc.constantFrom(undefined, { type: "json_object" }),
});
const validEmbeddings = fc.record({ input: fc.oneof(fc.constantFrom("맛있어요"), fc.array(fc.constantFrom("a", "맛"), { minLength: 1, maxLength: 4 })), encoding_format: fc.constantFrom("float", "base64") });

const valid: fc.Arbitrary<FacadeRequest> = fc.oneof(
  validCompletion.map((b) => post("/v1/completions", b)),
  validChat.map((b) => post("/v1/chat/completions", b)),
  validEmbeddings.map((b) => post("/v1/embeddings", b)),
  fc.constant<FacadeRequest>({ method: "GET", path: "/v1/models" }),
);

const anyValue = fc.oneof(anyString(), anyUint32, anyDouble.filter(Number.isFinite), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const boundary: fc.Arbitrary<FacadeRequest> = fc.oneof(
  fc.tuple(fc.constantFrom<Endpoint>("/v1/completions", "/v1/chat/completions", "/v1/embeddings"), fc.dictionary(fc.constantFrom("prompt", "messages", "input", "max_tokens", "temperature", "top_p", "seed", "stop", "stream", "priority", "n", "model", "response_format", "encoding_format", "dimensions", "user", "ttft_deadline_ms"), anyValue, { maxKeys: 6 })).map(([path, body]) => post(path, body)),
  fc.jsonValue({ maxDepth: 3 }).chain((body) => fc.constantFrom(...ENDPOINTS.slice(0, 3)).map((path) => post(path, body))),
  fc.constantFrom("/v1/models?x=1", "/v1/models/", "/v1/nothing", "/v1/completions").map((path): FacadeRequest => ({ method: "GET", path })),
);

const raw: fc.Arbitrary<FacadeRequest> = fc.tuple(fc.constantFrom<Endpoint>("/v1/completions", "/v1/chat/completions", "/v1/embeddings"), fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), fc.constantFrom("{", '{"prompt": "x"', "[]", "null", '{"prompt": "\\ud800"}', "\u0000"), validCompletion.map((b) => json(b).slice(0, 20))), fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded")).map(([path, body, contentType]) => ({ method: "POST", path, body, headers: { "content-type": contentType } }));

/** A valid body with one field made bad, and the `param` the 400 must carry. */
const mutation: fc.Arbitrary<{ request: FacadeRequest; param: string }> = fc.nat().map((n) => {
  const chat = { messages: [{ role: "user", content: "hi" }], max_tokens: 4 };
  const completion = { prompt: "hi", max_tokens: 4 };
  const cases: Array<[FacadeRequest, string]> = [
    [post("/v1/completions", { ...completion, prompt: "" }), "prompt"],
    [post("/v1/completions", { ...completion, prompt: hugeString(MB, "a") }), "prompt"],
    [post("/v1/completions", { ...completion, prompt: 42 }), "prompt"],
    [post("/v1/completions", { ...completion, max_tokens: -1 }), "max_tokens"],
    [post("/v1/completions", { ...completion, max_tokens: 1e12 }), "max_tokens"],
    [post("/v1/completions", { ...completion, temperature: 9 }), "temperature"],
    [post("/v1/completions", { ...completion, top_p: 0 }), "top_p"],
    [post("/v1/completions", { ...completion, priority: "urgent" }), "priority"],
    [post("/v1/completions", { ...completion, n: 3 }), "n"],
    [post("/v1/completions", { ...completion, frobnicate: true }), "frobnicate"],
    [post("/v1/completions", { ...completion, model: hugeString(300, "m") }), "model"],
    [post("/v1/embeddings", { input: "x", model: hugeString(300, "m") }), "model"],
    [post("/v1/chat/completions", { ...chat, messages: [] }), "messages"],
    [post("/v1/chat/completions", { ...chat, messages: [{ role: "wizard", content: "x" }] }), "messages[0].role"],
    [post("/v1/chat/completions", { ...chat, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }] }), "messages[0].content[0]"],
    [post("/v1/chat/completions", { ...chat, response_format: { type: "xml" } }), "response_format.type"],
    [post("/v1/chat/completions", { ...chat, stream_options: { include_usage: true, extra: 1 } }), "stream_options.extra"],
    [post("/v1/embeddings", { input: [] }), "input"],
    [post("/v1/embeddings", { input: ["ok", ""] }), "input[1]"],
    [post("/v1/embeddings", { input: "x", encoding_format: "utf8" }), "encoding_format"],
    [post("/v1/embeddings", { input: "x", dimensions: 0 }), "dimensions"],
  ];
  const [request, param] = cases[n % cases.length]!;
  return { request, param };
});

export async function fuzzFacade(stack: FuzzStack, recorder: FuzzRecorder, runs: RunsPerCategory, seed: number) {
  const rpcOf = (r: FacadeRequest) => `facade ${ENDPOINTS.find((e) => r.path.startsWith(e)) ?? r.path}`;
  const run = async (category: "valid" | "boundary" | "raw", arbitrary: fc.Arbitrary<FacadeRequest>, n: number, s: number) => {
    const details = await fc.check(
      fc.asyncProperty(arbitrary, async (request) => {
        const outcome = await send(stack, request);
        recorder.count(rpcOf(request), category, String(outcome.status));
        const problems = judgeHttp(outcome);
        if (category === "valid" && outcome.status !== 200) problems.push(`a valid request got HTTP ${outcome.status}: ${outcome.body.slice(0, 200)}`);
        if (problems.length > 0) throw new Error(problems.join("\n"));
      }),
      { numRuns: n, seed: s },
    );
    if (details.failed && details.counterexample) {
      const request = details.counterexample[0];
      recorder.fail(rpcOf(request), category, request, [String((details.errorInstance as Error | undefined)?.message), `replay: seed ${details.seed}, path ${details.counterexamplePath}`]);
    }
  };
  const work = stack.backendWork();
  for (const { request, param } of fc.sample(mutation, { numRuns: runs.mutation, seed })) {
    const outcome = await send(stack, request);
    recorder.count(rpcOf(request), "mutation", String(outcome.status));
    const problems = judgeHttp(outcome, param);
    if (problems.length > 0) recorder.fail(rpcOf(request), "mutation", describeInput(request), problems);
  }
  if (stack.backendWork() !== work) recorder.fail("facade", "mutation", "refused requests", [`the simulator received ${stack.backendWork() - work} requests for refused input`]);
  await run("valid", valid, runs.valid, seed + 1);
  await run("boundary", boundary, runs.boundary, seed + 2);
  await run("raw", raw, runs.raw, seed + 3);
  for (const key of ["", `${FACADE_KEY}x`, FACADE_KEY.slice(0, -1)]) {
    const outcome = await send(stack, { method: "GET", path: "/v1/models", headers: { authorization: `Bearer ${key}` } });
    recorder.count("facade /v1/models", "mutation", String(outcome.status));
    if (outcome.status !== 401) recorder.fail("facade /v1/models", "mutation", `key ${JSON.stringify(key)}`, [`a wrong key got HTTP ${outcome.status}`]);
  }
}
