// What the fuzzer knows about one RPC: its path and streaming shape (from the generated service
// definition), how to encode its request and decode its answers, and generators of valid messages,
// boundary values, and single-field mutations of valid messages with the field they must be refused for.
import type { status as Status } from "@grpc/grpc-js";
import type fc from "fast-check";
import type { ServiceName } from "./fuzz-stack.js";

export interface FuzzContext {
  /** Restaurants with reviews in vector-search. */
  restaurants: readonly string[];
  reviewIds: readonly string[];
}

/** A valid request made bad in exactly one field, and what the refusal must say. */
export interface Mutation<M> {
  messages: M[];
  /** The field path the refusal must name (proto names: reviews[0].created_at). */
  field: string;
  /** NOT_FOUND for well-formed references to nothing; INVALID_ARGUMENT otherwise. */
  code?: "INVALID_ARGUMENT" | "NOT_FOUND";
}

export interface RpcSpec<M = unknown> {
  service: ServiceName;
  /** e.g. InferenceGatewayService/Complete */
  rpc: string;
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  encode(message: M): Buffer;
  decode(bytes: Buffer): unknown;
  valid(ctx: FuzzContext): fc.Arbitrary<M[]>;
  boundary(ctx: FuzzContext): fc.Arbitrary<M[]>;
  /** Absent for an RPC without fields to get wrong (GetStatus). */
  mutations?(ctx: FuzzContext): fc.Arbitrary<Mutation<M>>;
  /** For an RPC that refuses parts of an accepted request in its answer (UploadReviews): the fields it named. */
  refusedInAnswer?(answers: unknown[]): string[];
  /** Refusals that are honest answers to a valid request (a TTFT deadline the queue cannot meet). */
  honestRefusals?: Array<{ code: Status; details: RegExp }>;
  /** Problems inside accepted answers (a streamed analysis whose report says INTERNAL). */
  answerProblems?(answers: unknown[]): string[];
}

interface MessageFns<T> {
  encode(message: T): { finish(): Uint8Array };
  fromPartial(object: unknown): T;
  decode(input: Uint8Array): unknown;
}

interface TsProtoDefinition {
  fullName: string;
  methods: Record<string, { name: string; requestType: unknown; responseType: unknown; requestStream: boolean; responseStream: boolean }>;
}

type Generators<M> = Pick<RpcSpec<M>, "valid" | "boundary" | "mutations" | "refusedInAnswer" | "answerProblems" | "honestRefusals">;

/** A spec for `method` of a ts-proto service definition. */
export function rpcSpec<M>(service: ServiceName, definition: TsProtoDefinition, method: string, generators: Generators<M>): RpcSpec<M> {
  const m = definition.methods[method];
  if (!m) throw new Error(`${definition.fullName} has no method ${method}`);
  const request = m.requestType as MessageFns<M>;
  const response = m.responseType as MessageFns<unknown>;
  return {
    service,
    rpc: `${definition.fullName.split(".").pop()}/${m.name}`,
    path: `/${definition.fullName}/${m.name}`,
    requestStream: m.requestStream,
    responseStream: m.responseStream,
    encode: (message) => Buffer.from(request.encode(request.fromPartial(message)).finish()),
    decode: (bytes) => response.decode(bytes),
    ...generators,
  };
}
