// Runs the RPC specs against the fuzz stack: per RPC, properties over valid messages, boundary
// values, raw malformed frames, and single-field mutations. Every answer is judged (fuzz-oracle.ts);
// the mutations of each RPC run between two snapshots of every store, which must be equal, with no
// backend work between them; after each property every process must still run and be SERVING.
import { status as Status } from "@grpc/grpc-js";
import fc from "fast-check";
import type { FuzzStack } from "./fuzz-stack.js";
import { codeName, judge, namedField, type Category, type Outcome } from "./fuzz-oracle.js";
import type { FuzzContext, Mutation, RpcSpec } from "./rpc-spec.js";
import { changedTables } from "./store-snapshot.js";

export interface RunsPerCategory {
  valid: number;
  boundary: number;
  mutation: number;
  raw: number;
}

export interface FuzzFailure {
  rpc: string;
  category: Category;
  input: string;
  problems: string[];
}

export type Counts = Record<string, Partial<Record<Category, Record<string, number>>>>;

export interface FuzzRecorder {
  readonly counts: Counts;
  readonly failures: FuzzFailure[];
  count(rpc: string, category: Category, code: string): void;
  fail(rpc: string, category: Category, input: unknown, problems: string[]): void;
}

export function createRecorder(): FuzzRecorder {
  const counts: Counts = {};
  const failures: FuzzFailure[] = [];
  return {
    counts,
    failures,
    count(rpc, category, code) {
      const byCode = ((counts[rpc] ??= {})[category] ??= {});
      byCode[code] = (byCode[code] ?? 0) + 1;
    },
    fail(rpc, category, input, problems) {
      failures.push({ rpc, category, input: describeInput(input), problems });
    },
  };
}

/** JSON of an input with long strings and byte arrays cut short. */
export function describeInput(input: unknown): string {
  const text = JSON.stringify(input, (_key, value: unknown) => {
    if (typeof value === "string" && value.length > 120) return `<${value.length} chars: ${value.slice(0, 40)}...>`;
    if (value instanceof Uint8Array || (typeof value === "object" && value !== null && (value as { type?: string }).type === "Buffer")) {
      const bytes = Buffer.from(value instanceof Uint8Array ? value : ((value as { data: number[] }).data ?? []));
      return `<${bytes.length} bytes: ${bytes.subarray(0, 48).toString("hex")}>`;
    }
    return value;
  });
  return text === undefined ? String(input) : text.length > 2_000 ? `${text.slice(0, 2_000)}...` : text;
}

// A hang guard, not a speed bound: a call that never ends is a failure of its own.
const CALL_GUARD_MS = 120_000;

export async function callRaw(stack: FuzzStack, spec: RpcSpec, frames: Buffer[]): Promise<Outcome> {
  const result = await stack.raw[spec.service].sendRaw(spec.path, frames, spec, { deadline: new Date(Date.now() + CALL_GUARD_MS) });
  const answers: unknown[] = [];
  for (const bytes of result.responses) {
    try {
      answers.push(spec.decode(bytes));
    } catch (error) {
      return { code: Status.INTERNAL, details: `the answer does not decode: ${String(error)}`, answers };
    }
  }
  return { code: result.code, details: result.details, answers };
}

const call = (stack: FuzzStack, spec: RpcSpec, messages: unknown[]) => callRaw(stack, spec, messages.map((m) => spec.encode(m)));

/** Malformed frames: random bytes, and valid encodings truncated or with one byte changed. */
function rawFrames(spec: RpcSpec, ctx: FuzzContext): fc.Arbitrary<Buffer[]> {
  const corrupted = fc.tuple(spec.valid(ctx), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([messages, at, byte, truncate]) =>
    messages.map((m) => {
      const bytes = Buffer.from(spec.encode(m));
      if (bytes.length === 0) return Buffer.from([byte]);
      const i = at % bytes.length;
      if (truncate) return bytes.subarray(0, i);
      bytes[i] = byte;
      return bytes;
    }),
  );
  const random = fc.array(fc.uint8Array({ minLength: 1, maxLength: 96 }).map((b) => Buffer.from(b)), { minLength: 1, maxLength: spec.requestStream ? 3 : 1 });
  return fc.oneof(random, corrupted);
}

function answerProblems(spec: RpcSpec, outcome: Outcome): string[] {
  if (spec.honestRefusals?.some((r) => r.code === outcome.code && r.details.test(outcome.details))) return [];
  return [...judge(outcome), ...(outcome.code === Status.OK ? (spec.answerProblems?.(outcome.answers) ?? []) : [])];
}

async function property<T>(recorder: FuzzRecorder, spec: RpcSpec, category: Category, arbitrary: fc.Arbitrary<T>, runs: number, seed: number, run: (input: T) => Promise<Outcome>) {
  if (runs <= 0) return;
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (input) => {
      const outcome = await run(input);
      recorder.count(spec.rpc, category, codeName(outcome.code));
      const problems = answerProblems(spec, outcome);
      if (problems.length > 0) throw new Error(problems.join("\n"));
    }),
    { numRuns: runs, seed, endOnFailure: false },
  );
  if (details.failed && details.counterexample) {
    recorder.fail(spec.rpc, category, details.counterexample[0], [String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance), `replay: seed ${details.seed}, path ${details.counterexamplePath}`]);
  }
}

/** The refusal a mutation must get: its code, the named field(s), and nothing stored. */
function mutationProblems(spec: RpcSpec, mutation: Mutation<unknown>, outcome: Outcome): string[] {
  if (spec.refusedInAnswer) {
    if (outcome.code !== Status.OK) return judge(outcome);
    const named = spec.refusedInAnswer(outcome.answers).join(",");
    return named === mutation.field ? [] : [`refused fields ${JSON.stringify(named)}, expected ${JSON.stringify(mutation.field)}`];
  }
  const expected = mutation.code === "NOT_FOUND" ? Status.NOT_FOUND : Status.INVALID_ARGUMENT;
  const problems = judge(outcome);
  if (outcome.code !== expected) problems.push(`answered ${codeName(outcome.code)} (${outcome.details.slice(0, 200)}), expected ${codeName(expected)} naming ${mutation.field}`);
  else if (namedField(outcome.details) !== mutation.field) problems.push(`named ${JSON.stringify(namedField(outcome.details))}, expected ${JSON.stringify(mutation.field)}: ${outcome.details.slice(0, 200)}`);
  return problems;
}

/** Mutations of one RPC between two store snapshots: each refused as expected, nothing changed, no backend work. */
async function mutationBatch(stack: FuzzStack, recorder: FuzzRecorder, spec: RpcSpec, ctx: FuzzContext, runs: number, seed: number) {
  if (!spec.mutations || runs <= 0) return;
  const mutations = fc.sample(spec.mutations(ctx), { numRuns: runs, seed });
  await stack.barrier();
  const before = await stack.snapshot();
  const workBefore = stack.backendWork();
  for (const mutation of mutations) {
    const outcome = await call(stack, spec, mutation.messages);
    recorder.count(spec.rpc, "mutation", codeName(outcome.code));
    const problems = mutationProblems(spec, mutation, outcome);
    if (problems.length > 0) recorder.fail(spec.rpc, "mutation", mutation, problems);
  }
  const work = stack.backendWork() - workBefore;
  if (work > 0) recorder.fail(spec.rpc, "mutation", `${mutations.length} refused requests`, [`the simulator received ${work} requests for refused input`]);
  await stack.barrier();
  const changed = changedTables(before, await stack.snapshot());
  if (changed.length > 0) recorder.fail(spec.rpc, "mutation", `${mutations.length} refused requests`, [`refused requests changed ${changed.join(", ")}`]);
}

export interface SpecRunOptions {
  seed: number;
  runs: RunsPerCategory;
  /** Fewer runs for RPCs that run whole analyses (a share of `runs`). */
  analysisShare: number;
  log(line: string): void;
}

const ANALYSIS_SERVICES = new Set(["sentiment", "summarization"]);

export async function runSpecs(stack: FuzzStack, recorder: FuzzRecorder, specs: RpcSpec[], ctx: FuzzContext, options: SpecRunOptions) {
  const runsOf = (spec: RpcSpec, category: keyof RunsPerCategory) =>
    ANALYSIS_SERVICES.has(spec.service) && category === "valid" ? Math.max(1, Math.round(options.runs[category] * options.analysisShare)) : options.runs[category];
  const alive = async (what: string) => {
    const problems = await stack.problems();
    if (problems.length > 0) {
      recorder.fail(what, "valid", "after this property", problems);
      throw new Error(`the stack is broken after ${what}: ${problems.join("; ")}`);
    }
  };
  // Each RPC's seeds follow from its name, so a replay of one RPC (FUZZ_ONLY) draws the same inputs.
  const seedOf = (spec: RpcSpec) => options.seed + [...spec.rpc].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_003, 7) * 10;
  // Mutations first, one RPC after another, each between its own snapshots.
  for (const spec of specs) {
    await mutationBatch(stack, recorder, spec, ctx, runsOf(spec, "mutation"), seedOf(spec));
    options.log(`${spec.rpc}: mutations done`);
    await alive(`${spec.rpc} mutations`);
  }
  for (const spec of specs) {
    const seed = seedOf(spec) + 1;
    await property(recorder, spec, "valid", spec.valid(ctx), runsOf(spec, "valid"), seed, (messages) => call(stack, spec, messages));
    await property(recorder, spec, "boundary", spec.boundary(ctx), runsOf(spec, "boundary"), seed + 1, (messages) => call(stack, spec, messages));
    await property(recorder, spec, "raw", rawFrames(spec, ctx), runsOf(spec, "raw"), seed + 2, (frames) => callRaw(stack, spec, frames));
    options.log(`${spec.rpc}: valid, boundary and raw done`);
    await alive(spec.rpc);
  }
}
