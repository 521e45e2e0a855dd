import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Metadata, ServerError, Status, type CallContext, type ServerMiddlewareCall } from "nice-grpc";
import {
  AlreadyRunningError,
  CancelledError,
  DependencyError,
  DomainError,
  InterruptedError,
  InvalidArgumentError,
  MisconfiguredError,
  NotFoundError,
  OverloadedError,
  RequestRefusedError,
  UnavailableError,
  UnusableResultError,
} from "./domain-errors.js";
import { errorMappingMiddleware, statusOf } from "./error-mapping.js";
import { createLogger } from "./logger.js";

describe("statusOf", () => {
  it("gives each domain error its status and keeps its message", () => {
    const cases: Array<[Error, Status]> = [
      [new InvalidArgumentError("request.text", "must not be empty"), Status.INVALID_ARGUMENT],
      [new RequestRefusedError("request: the backend refused it"), Status.INVALID_ARGUMENT],
      [new NotFoundError("restaurant r1 has no reviews"), Status.NOT_FOUND],
      [new AlreadyRunningError("sentiment of r1 is already running"), Status.ALREADY_EXISTS],
      [new OverloadedError("the queue is full", 250), Status.RESOURCE_EXHAUSTED],
      [new UnavailableError("no healthy backend"), Status.UNAVAILABLE],
      [new MisconfiguredError("768 is not 384"), Status.FAILED_PRECONDITION],
      [new InterruptedError("the lock expired"), Status.ABORTED],
      [new CancelledError("the client disconnected"), Status.CANCELLED],
      [new UnusableResultError("no valid JSON"), Status.INTERNAL],
    ];
    for (const [error, status] of cases) {
      const mapped = statusOf(error);
      assert.deepEqual([mapped?.status, mapped?.message], [status, error.message], error.name);
    }
  });

  it("carries the retry hint of overload and unavailability, and only theirs", () => {
    assert.equal(statusOf(new OverloadedError("full", 1_500))?.retryAfterMs, 1_500);
    assert.equal(statusOf(new UnavailableError("no healthy backend", 1_000))?.retryAfterMs, 1_000);
    assert.equal(statusOf(new UnavailableError("shutting down"))?.retryAfterMs, undefined);
    assert.equal(statusOf(new NotFoundError("none"))?.retryAfterMs, undefined);
  });

  it("passes a dependency's status on where it means the same to our caller, INTERNAL otherwise, naming the dependency", () => {
    const overloaded = statusOf(new DependencyError("inference-gateway", Status.RESOURCE_EXHAUSTED, "queue full"));
    assert.deepEqual(overloaded, { status: Status.RESOURCE_EXHAUSTED, message: "inference-gateway: RESOURCE_EXHAUSTED: queue full", retryAfterMs: undefined });
    assert.equal(statusOf(new DependencyError("vector-search", Status.INVALID_ARGUMENT, "unknown restaurant"))?.status, Status.INTERNAL);
  });

  it("knows nothing of other errors, nor of a domain error it has no status for", () => {
    class Unmapped extends DomainError {}
    assert.equal(statusOf(new Error("bug")), undefined);
    assert.equal(statusOf(new Unmapped("new kind")), undefined);
    assert.equal(statusOf("a string"), undefined);
  });
});

describe("errorMappingMiddleware", () => {
  async function answer(error: unknown) {
    const call = {
      method: { path: "/test.Service/Call" },
      request: {},
      next: async function* () {
        throw error;
      },
    } as unknown as ServerMiddlewareCall<object, object>;
    const context = { trailer: Metadata(), signal: new AbortController().signal } as unknown as CallContext;
    const middleware = errorMappingMiddleware(createLogger("test", "silent"));
    try {
      await middleware(call, context).next();
    } catch (thrown) {
      return { thrown, trailer: context.trailer };
    }
    assert.fail("the middleware answered without an error");
  }

  it("answers a domain error with its status and message, and the retry hint as grpc-retry-pushback-ms", async () => {
    const { thrown, trailer } = await answer(new OverloadedError("the gateway's queue is full (3 requests); retry later", 420));
    assert.ok(thrown instanceof ServerError);
    assert.equal(thrown.code, Status.RESOURCE_EXHAUSTED);
    assert.equal(thrown.details, "the gateway's queue is full (3 requests); retry later");
    assert.equal(trailer.get("grpc-retry-pushback-ms"), "420");
  });

  it("sends no retry trailer without a hint, passes a ServerError through, and turns anything else into INTERNAL", async () => {
    const missing = await answer(new NotFoundError("restaurant r1 has no reviews to analyse"));
    assert.equal((missing.thrown as ServerError).code, Status.NOT_FOUND);
    assert.equal(missing.trailer.get("grpc-retry-pushback-ms"), undefined);
    const own = new ServerError(Status.UNIMPLEMENTED, "not here");
    assert.equal((await answer(own)).thrown, own);
    const bug = (await answer(new TypeError("x is undefined"))).thrown as ServerError;
    assert.equal(bug.code, Status.INTERNAL);
    assert.equal(bug.details, "internal error: x is undefined");
  });
});
