// Checks the generators cannot express as properties: messages over GRPC_MAX_MESSAGE_BYTES to every
// RPC and prompts beyond the model's context, each refused before any backend work (the simulator
// receives nothing), and duplicate review IDs in one request.
import { status as Status } from "@grpc/grpc-js";
import { inference, vectorsearch } from "@reviewlens/contracts";
import { FACADE_KEY, MAX_MESSAGE_BYTES, type FuzzStack } from "./fuzz-stack.js";
import { codeName, judge } from "./fuzz-oracle.js";
import { callRaw, type FuzzRecorder } from "./fuzz-runner.js";
import type { RpcSpec } from "./rpc-spec.js";

/** A protobuf message of `bytes` bytes: one unknown length-delimited field (number 15). */
function oversizeFrame(bytes: number): Buffer {
  const payload = Buffer.alloc(bytes, 0x61);
  const length: number[] = [];
  for (let n = payload.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([(15 << 3) | 2, ...length]), payload]);
}

/** Refused, with `code`, and the simulator received nothing meanwhile. */
async function refusedBeforeBackend(stack: FuzzStack, recorder: FuzzRecorder, rpc: string, category: "oversize" | "context", input: unknown, code: Status, send: () => Promise<{ code: Status; details: string }>, field?: string) {
  const work = stack.backendWork();
  const outcome = await send();
  recorder.count(rpc, category, codeName(outcome.code));
  const problems = judge({ ...outcome, answers: [] }, new Set([code]));
  if (outcome.code !== code) problems.push(`answered ${codeName(outcome.code)}, expected ${codeName(code)}: ${outcome.details.slice(0, 200)}`);
  else if (field !== undefined && !outcome.details.startsWith(`${field}: `)) problems.push(`does not name ${field}: ${outcome.details.slice(0, 200)}`);
  if (stack.backendWork() !== work) problems.push(`the simulator received ${stack.backendWork() - work} requests for it`);
  if (problems.length > 0) recorder.fail(rpc, category, input, problems);
}

const LONG_PROMPT = "word ".repeat(40_000); // about 50 000 tokens by the estimate: beyond a 32k context

export async function runFixedChecks(stack: FuzzStack, recorder: FuzzRecorder, specs: RpcSpec[]) {
  const frame = oversizeFrame(MAX_MESSAGE_BYTES + 1024 * 1024);
  for (const spec of specs) {
    await refusedBeforeBackend(stack, recorder, spec.rpc, "oversize", `${frame.length} bytes`, Status.RESOURCE_EXHAUSTED, () => callRaw(stack, spec, [frame]));
  }
  const generation = specs.filter((s) => s.rpc.endsWith("/Complete") || s.rpc.endsWith("/Generate"));
  const prompts = [
    { field: "request.text", prompt: { $case: "text" as const, value: LONG_PROMPT } },
    { field: "request.messages", prompt: { $case: "chat" as const, value: { messages: [{ role: "system", content: "Summarise." }, { role: "user", content: LONG_PROMPT }] } } },
  ];
  for (const spec of generation) {
    for (const { field, prompt } of prompts) {
      const message: inference.DeepPartial<inference.CompleteRequest> = { request: { prompt, sampling: { maxTokens: 16 } } };
      await refusedBeforeBackend(stack, recorder, spec.rpc, "context", `${prompt.$case} prompt of ${LONG_PROMPT.length} characters`, Status.INVALID_ARGUMENT, () => callRaw(stack, spec, [spec.encode(message)]), field);
    }
  }
  // The facade's endpoints likewise, the refusal naming the OpenAI field.
  for (const [path, body, field] of [
    ["/v1/completions", { prompt: LONG_PROMPT, max_tokens: 16 }, "prompt"],
    ["/v1/chat/completions", { messages: [{ role: "user", content: LONG_PROMPT }], max_tokens: 16 }, "messages"],
  ] as const) {
    await refusedBeforeBackend(stack, recorder, `facade ${path}`, "context", `a prompt of ${LONG_PROMPT.length} characters`, Status.INVALID_ARGUMENT, async () => {
      const response = await fetch(`${stack.facadeUrl}${path}`, { method: "POST", headers: { authorization: `Bearer ${FACADE_KEY}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      const error = ((await response.json()) as { error?: { message?: string; param?: string } }).error;
      return { code: response.status === 400 && error?.param === field ? Status.INVALID_ARGUMENT : Status.UNKNOWN, details: error?.message ?? `HTTP ${response.status}` };
    }, field);
  }
}

/**
 * What UpsertReviews and UploadReviews do with one review ID twice in a request (in a restaurant of
 * its own: the fuzz restaurants may hold more reviews than one TOP-K call returns).
 */
export async function duplicateIdsInOneRequest(stack: FuzzStack, recorder: FuzzRecorder) {
  const restaurantId = "fz-duplicates";
  const review = (id: string, text: string): vectorsearch.DeepPartial<vectorsearch.UpsertReviewsRequest>["reviews"] => [
    { reviewId: id, restaurantId, text, rating: 4, createdAt: "2026-05-01T00:00:00Z", images: [] },
  ];
  const stored = async (id: string) => {
    const answer = await stack.clients.vectorSearch.getRepresentativeReviews({ restaurantId, topK: 1_000, includeAllTexts: false }).catch(() => undefined);
    return (answer?.reviews ?? []).filter((r) => r.review!.reviewId === id).map((r) => r.review!.text);
  };
  const upsert = await stack.clients.vectorSearch.upsertReviews({ reviews: [...review("fz-dup-1", "첫 번째")!, ...review("fz-dup-1", "두 번째")!] }).then(
    (r) => ({ code: Status.OK, details: "", answer: r }),
    (e: { code: Status; details: string }) => ({ code: e.code, details: e.details, answer: undefined }),
  );
  recorder.count("VectorSearchService/UpsertReviews", "boundary", codeName(upsert.code));
  const problems = judge({ ...upsert, answers: [] });
  if (upsert.code !== Status.INVALID_ARGUMENT || !upsert.details.startsWith("reviews[1].review_id:")) problems.push(`a duplicate review ID in one UpsertReviews answered ${codeName(upsert.code)} ${upsert.details}`);
  if ((await stored("fz-dup-1")).length !== 0) problems.push("the refused upsert stored the duplicated review");
  if (problems.length > 0) recorder.fail("VectorSearchService/UpsertReviews", "boundary", "two reviews with one ID", problems);

  async function* upload() {
    yield { reviews: [...review("fz-dup-2", "첫 번째")!, ...review("fz-dup-3", "다른 리뷰")!] };
    yield { reviews: review("fz-dup-2", "두 번째")! };
  }
  const answer = await stack.clients.vectorSearch.uploadReviews(upload());
  recorder.count("VectorSearchService/UploadReviews", "boundary", "OK");
  const uploadProblems: string[] = [];
  if (answer.received !== 3 || answer.upserted !== 2 || answer.rejected !== 1) uploadProblems.push(`received ${answer.received}, upserted ${answer.upserted}, rejected ${answer.rejected}; expected 3, 2, 1`);
  if (answer.errors[0]?.field !== "review_id" || answer.errors[0]?.index !== 2) uploadProblems.push(`errors ${JSON.stringify(answer.errors)}: expected review_id at index 2`);
  if (JSON.stringify(await stored("fz-dup-2")) !== JSON.stringify(["첫 번째"])) uploadProblems.push(`stored ${JSON.stringify(await stored("fz-dup-2"))} for the duplicated ID, expected the first`);
  if (uploadProblems.length > 0) recorder.fail("VectorSearchService/UploadReviews", "boundary", "one review ID twice in an upload", uploadProblems);
}
