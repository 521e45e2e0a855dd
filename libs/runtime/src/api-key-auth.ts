// An optional API key on a gRPC server (`authorization: Bearer <key>` metadata) and the client
// middleware that sends one. Health and reflection stay open: probes and grpcurl carry no key.
import { Metadata, ServerError, Status, type ClientMiddleware, type ServerMiddleware } from "nice-grpc";
import { apiKeyChecker, bearerKey, type ApiKeyCheck } from "./api-key.js";
import { isHealthOrReflection } from "./infrastructure-methods.js";

/**
 * Refuses every call but health and reflection unless it carries `authorization: Bearer <key>`.
 * `key`: the one key, or a check of the keys a server lets in (several, e.g. the gateway's tenants').
 * Without a key every call passes (the default: the key is optional).
 */
export function apiKeyAuthMiddleware(key: string | ApiKeyCheck | undefined): ServerMiddleware {
  const matches = typeof key === "function" ? key : key ? apiKeyChecker(key) : undefined;
  return async function* apiKeyAuth(call, context) {
    if (!matches || isHealthOrReflection(call.method.path)) return yield* call.next(call.request, context);
    const authorization = context.metadata.get("authorization");
    if (authorization === undefined) {
      throw new ServerError(Status.UNAUTHENTICATED, "this server requires an API key: send metadata authorization: Bearer <key>");
    }
    if (!matches(bearerKey(authorization))) {
      throw new ServerError(Status.UNAUTHENTICATED, "the API key in the authorization metadata is not valid (expected: Bearer <key>)");
    }
    return yield* call.next(call.request, context);
  };
}

/** Adds `authorization: Bearer <key>` to every call (a key the caller set itself wins); no key: nothing. */
export function apiKeyClientMiddleware(key: string | undefined): ClientMiddleware {
  return async function* apiKeyClient(call, options) {
    if (!key) return yield* call.next(call.request, options);
    const metadata = Metadata(options.metadata);
    if (!metadata.has("authorization")) metadata.set("authorization", `Bearer ${key}`);
    return yield* call.next(call.request, { ...options, metadata });
  };
}
