import assert from "node:assert/strict";
import { test } from "node:test";
import { BatchedWriter, type BatchedWriterOptions } from "./batched-writer.js";

class FakeSink {
  batches: number[][] = [];
  failing = false;
  attempts = 0;
  async write(rows: number[]): Promise<void> {
    this.attempts++;
    if (this.failing) throw new Error("database down");
    this.batches.push([...rows]);
  }
  get rows(): number[] {
    return this.batches.flat();
  }
}

const base: BatchedWriterOptions = {
  batchSize: 3,
  maxBufferedRows: 10,
  flushIntervalMs: 5,
  retryInitialMs: 1,
  retryMaxMs: 5,
};

test("writes full batches at once and a partial batch after the flush interval, in order", async () => {
  const sink = new FakeSink();
  const w = new BatchedWriter(sink, base);
  for (let i = 1; i <= 7; i++) w.add(i);
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(sink.rows, [1, 2, 3, 4, 5, 6, 7]);
  assert.ok(sink.batches.every((b) => b.length <= 3));
  assert.equal(w.stats().written, 7);
  assert.equal(w.stats().buffered, 0);
});

test("a failing sink keeps the rows and retries them in order once it recovers", async () => {
  const sink = new FakeSink();
  const errors: number[] = [];
  let recovered = 0;
  const w = new BatchedWriter(sink, {
    ...base,
    onWriteError: (_e, failures) => errors.push(failures),
    onRecovered: () => recovered++,
  });
  sink.failing = true;
  for (let i = 1; i <= 5; i++) w.add(i);
  const flushed = w.flush();
  await new Promise((r) => setTimeout(r, 30));
  assert.ok(errors.length >= 2, "retried while failing");
  assert.deepEqual(errors.slice(0, 2), [1, 2]);
  assert.equal(w.stats().buffered, 5);
  sink.failing = false;
  await flushed;
  assert.deepEqual(sink.rows, [1, 2, 3, 4, 5]);
  assert.equal(recovered, 1);
  assert.equal(w.stats().consecutiveFailures, 0);
});

test("past the bound the oldest rows not in flight are dropped and reported", async () => {
  const sink = new FakeSink();
  let dropped = 0;
  const w = new BatchedWriter(sink, { ...base, maxBufferedRows: 4, onDropped: (n) => (dropped += n) });
  sink.failing = true;
  for (let i = 1; i <= 10; i++) w.add(i);
  assert.equal(w.stats().buffered, 4);
  assert.equal(dropped, 6);
  assert.equal(w.stats().dropped, 6);
  sink.failing = false;
  await w.flush();
  // The batch in flight when the outage hit stays whole; the newest row is kept.
  assert.equal(sink.rows.length, 4);
  assert.equal(sink.rows.at(-1), 10);
  assert.deepEqual(sink.rows, [...sink.rows].sort((a, b) => a - b), "order kept");
});

test("flush waits only for rows added before it", async () => {
  const sink = new FakeSink();
  const w = new BatchedWriter(sink, { ...base, flushIntervalMs: 10_000 });
  w.add(1);
  w.add(2);
  await w.flush();
  assert.deepEqual(sink.rows, [1, 2]);
});

test("close reports rows it could not write within its timeout", async () => {
  const sink = new FakeSink();
  const w = new BatchedWriter(sink, base);
  sink.failing = true;
  w.add(1);
  w.add(2);
  const { lost } = await w.close(20);
  assert.equal(lost, 2);
  assert.equal(w.stats().buffered, 0);
});

test("close flushes what it can", async () => {
  const sink = new FakeSink();
  const w = new BatchedWriter(sink, { ...base, flushIntervalMs: 10_000 });
  w.add(1);
  assert.deepEqual(await w.close(1_000), { lost: 0 });
  assert.deepEqual(sink.rows, [1]);
});

test("rejects a bound smaller than a batch", () => {
  assert.throws(() => new BatchedWriter(new FakeSink(), { ...base, maxBufferedRows: 2 }), RangeError);
});
