import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "@reviewlens/testkit";
import { testPool } from "../test/test-pool.js";

test("the pool announces freed room: a prompt prefilled, a request finished, a pushback pause over, a probe that found a backend healthy", async () => {
  let up = false;
  const pool = testPool(() => up);
  let announced = 0;
  const unsubscribe = pool.onRoomFreed(() => announced++);

  const backend = pool.add("http://replica-a");
  await waitFor(() => backend.lastError || undefined, "the failed first probe");
  assert.equal(announced, 0, "a failed probe frees no room");
  up = true;
  pool.add("http://replica-b");
  await waitFor(() => (announced === 1 ? true : undefined), "the successful probe's announcement");

  pool.dispatched(backend, 100);
  assert.equal(announced, 1, "a dispatch takes room, it frees none");
  pool.prefilled(backend, 100);
  assert.equal(announced, 2);
  pool.finished(backend, 100, true);
  assert.equal(announced, 3);

  pool.dispatched(backend, 100);
  pool.finished(backend, 100, false);
  assert.equal(announced, 4);
  pool.pushedBack(backend, 1);
  assert.equal(announced, 4, "the pause starts now; room appears when it ends");
  await waitFor(() => (announced === 5 ? true : undefined), "the announcement at the end of the pause");

  unsubscribe();
  pool.dispatched(backend, 100);
  pool.finished(backend, 100, false);
  assert.equal(announced, 5, "an unsubscribed listener hears nothing");
  pool.stop();
});
