// grpc-js answers a request message it cannot decode with INTERNAL ("Error deserializing request"):
// the client's mistake reported as the server's, and before any middleware sees it. Decoding is
// wrapped so that a bad message becomes a MalformedRequest value, which the middleware below turns
// into INVALID_ARGUMENT naming the request, for unary and streamed requests alike.
import { ServerError, Status, type ServerMiddleware } from "nice-grpc";

export class MalformedRequest {
  constructor(
    readonly methodPath: string,
    readonly reason: string,
  ) {}

  toServerError(): ServerError {
    return new ServerError(Status.INVALID_ARGUMENT, `request: not a valid protobuf message for ${this.methodPath} (${this.reason})`);
  }
}

type Decode = (bytes: never, ...rest: never[]) => unknown;

function tolerant<F extends Decode>(decode: F, methodPath: string): F {
  return ((bytes: never, ...rest: never[]) => {
    try {
      return decode(bytes, ...rest);
    } catch (error) {
      return new MalformedRequest(methodPath, error instanceof Error ? error.message : String(error));
    }
  }) as F;
}

interface TsProtoMethod {
  name: string;
  requestType: { decode: Decode };
}
interface GrpcJsMethod {
  path: string;
  requestDeserialize: Decode;
}

/** The same service definition (ts-proto generic or grpc-js style) with request decoding that never throws. */
export function withTolerantDecoding<D extends object>(definition: D): D {
  if ("methods" in definition && "fullName" in definition) {
    const { fullName, methods } = definition as unknown as { fullName: string; methods: Record<string, TsProtoMethod> };
    const wrapped = Object.fromEntries(
      Object.entries(methods).map(([key, m]) => [key, { ...m, requestType: { ...m.requestType, decode: tolerant(m.requestType.decode, `/${fullName}/${m.name}`) } }]),
    );
    return { ...definition, methods: wrapped };
  }
  const methods = definition as unknown as Record<string, GrpcJsMethod>;
  return Object.fromEntries(Object.entries(methods).map(([key, m]) => [key, { ...m, requestDeserialize: tolerant(m.requestDeserialize, m.path) }])) as D;
}

async function* checked<T>(requests: AsyncIterable<T | MalformedRequest>): AsyncIterable<T> {
  for await (const request of requests) {
    if (request instanceof MalformedRequest) throw request.toServerError();
    yield request;
  }
}

/** INVALID_ARGUMENT for a request (or a streamed message) that did not decode. */
export function malformedRequestMiddleware(): ServerMiddleware {
  return async function* malformedRequests(call, context) {
    if (call.requestStream) return yield* call.next(checked(call.request as AsyncIterable<unknown>) as typeof call.request, context);
    if (call.request instanceof MalformedRequest) throw call.request.toServerError();
    return yield* call.next(call.request, context);
  };
}
