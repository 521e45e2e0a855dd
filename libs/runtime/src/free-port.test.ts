import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { test } from "node:test";
import { freePort } from "./free-port.js";

const ephemeralStart = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);

const listenOn = (port: number) =>
  new Promise<() => Promise<void>>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(() => new Promise((done) => server.close(() => done()))));
  });

test("a free port comes from below the kernel's ephemeral range, where no listen(0) or outgoing connection is handed it, and it can be bound", async () => {
  const port = await freePort();
  assert.ok(port >= 1_024 && port < ephemeralStart, `${port} is below ${ephemeralStart}`);
  const close = await listenOn(port);
  await close();
});

test("ports the caller already took are never returned, even when they leave almost nothing below the range", async () => {
  const high = ephemeralStart - 1;
  const taken = new Set<number>();
  for (let p = Math.max(1_024, high - 12_000); p < high; p++) taken.add(p);
  for (let i = 0; i < 5; i++) assert.ok(!taken.has(await freePort("127.0.0.1", taken)));
});

test("a port another server listens on is passed over for the next free one", async () => {
  const low = Math.max(1_024, ephemeralStart - 1 - 12_000);
  const busy = await freePort();
  const close = await listenOn(busy);
  try {
    // Below the range only two ports are left to the search: the busy one and one free one.
    const free = busy === low ? low + 1 : busy - 1;
    const taken = new Set<number>();
    for (let p = low; p < ephemeralStart; p++) if (p !== busy && p !== free) taken.add(p);
    for (let i = 0; i < 5; i++) assert.equal(await freePort("127.0.0.1", taken), free);
  } finally {
    await close();
  }
});
