import assert from "node:assert/strict";
import { test } from "node:test";
import { CancelledError, DependencyError, InvalidArgumentError, NotFoundError, Status } from "@reviewlens/runtime";
import { BackendAtCapacity, BackendFailed, BackendRefusedRequest, GatewayOverloaded, GatewayShuttingDown, NoHealthyBackend } from "../gateway-errors.js";
import { errorReply } from "./openai-error-reply.js";

const body = (message: string, type: string, param: string | null = null) => ({ error: { message, type, param, code: null } });

test("a field error is a 400 invalid_request_error naming the field", () => {
  assert.deepEqual(errorReply(new InvalidArgumentError("max_tokens", "must be at most 4096")), {
    status: 400,
    headers: {},
    body: body("max_tokens: must be at most 4096", "invalid_request_error", "max_tokens"),
  });
  assert.deepEqual(errorReply(new BackendRefusedRequest("unsupported schema")), {
    status: 400,
    headers: {},
    body: body("request: the backend refused it: unsupported schema", "invalid_request_error"),
  });
});

test("overload is a 429 rate_limit_error with Retry-After in seconds (rounded up) and in milliseconds", () => {
  const full = errorReply(new GatewayOverloaded({ refuse: true, reason: "queue-full", queueLength: 7, retryAfterMs: 1_250 }));
  assert.deepEqual(full, {
    status: 429,
    headers: { "retry-after-ms": "1250", "retry-after": "2" },
    body: body("the gateway's queue is full (7 requests); retry later", "rate_limit_error"),
  });
  const late = errorReply(new GatewayOverloaded({ refuse: true, reason: "deadline-unmeetable", deadlineMs: 50, expectedTtftMs: 812.4, requestsAhead: 3, retryAfterMs: 762 }));
  assert.equal(late.body.error.message, "the TTFT deadline of 50 ms cannot be met: its first token is about 812 ms away (3 requests queued ahead of it)");
  assert.deepEqual(late.headers, { "retry-after-ms": "762", "retry-after": "1" });
  const atCapacity = errorReply(new BackendAtCapacity("http://b1", "max_num_queued_reqs", 100));
  assert.equal(atCapacity.status, 429);
  assert.match(atCapacity.body.error.message, /backend http:\/\/b1 is at its admission limit \(max_num_queued_reqs\)/);
});

test("no backend to serve it is a 503 server_error; with a retry hint when one helps", () => {
  assert.deepEqual(errorReply(new NoHealthyBackend()), {
    status: 503,
    headers: { "retry-after-ms": "1000", "retry-after": "1" },
    body: body("no healthy backend; retry shortly", "server_error"),
  });
  assert.deepEqual(errorReply(new GatewayShuttingDown()).headers, {});
  assert.deepEqual(errorReply(new BackendFailed("http://b1", "connection reset")), {
    status: 503,
    headers: {},
    body: body("backend http://b1 failed: connection reset", "server_error"),
  });
});

test("other domain errors by their gRPC status; a status without an HTTP counterpart, and any other error, is a 500", () => {
  assert.equal(errorReply(new NotFoundError("no such model")).status, 404);
  assert.equal(errorReply(new DependencyError("vector-search", Status.DEADLINE_EXCEEDED, "slow")).status, 504);
  assert.deepEqual(errorReply(new CancelledError("the client disconnected")), { status: 500, headers: {}, body: body("the client disconnected", "server_error") });
  assert.deepEqual(errorReply(new TypeError("x is undefined")), { status: 500, headers: {}, body: body("x is undefined", "server_error") });
});
