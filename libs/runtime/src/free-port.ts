// A loopback port nothing listens on right now, for a server started a moment later at a known
// address (the demo's stack, a backend a test points the gateway at before it exists, a process that
// must come back on the same port).
//
// The port comes from just below the kernel's ephemeral range. A probe with listen(0) would return a
// port from inside that range, where any other process's listen(0) or outgoing connection may take
// it before our server binds it (seen as EADDRINUSE when tests run in parallel); ports below the
// range are handed out by nobody, so only an explicit choice like this one can collide, and the
// probe catches that.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const EPHEMERAL_RANGE_FILE = "/proc/sys/net/ipv4/ip_local_port_range";
/** Linux's default when the range cannot be read. */
const DEFAULT_EPHEMERAL_START = 32_768;
const WINDOW = 12_000;
const ATTEMPTS = 200;

function ephemeralStart(): number {
  try {
    const start = Number(readFileSync(EPHEMERAL_RANGE_FILE, "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 0 ? start : DEFAULT_EPHEMERAL_START;
  } catch {
    return DEFAULT_EPHEMERAL_START;
  }
}

/** Binds `port` (0: any) on `host` and closes it; the bound port, or undefined when it is taken. */
async function probe(port: number, host: string): Promise<number | undefined> {
  const server = createServer();
  const bound = await new Promise<number | undefined>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" || error.code === "EACCES" ? resolve(undefined) : reject(error)));
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
  if (bound !== undefined) await new Promise((resolve) => server.close(resolve));
  return bound;
}

export async function freePort(host = "127.0.0.1", taken: ReadonlySet<number> = new Set()): Promise<number> {
  const high = ephemeralStart() - 1;
  const low = Math.max(1_024, high - WINDOW);
  const size = high - low + 1;
  // From a random place in the window, one port after the other: parallel callers start apart, and
  // a window with room is searched to the end whatever the caller took.
  const offset = Math.floor(Math.random() * size);
  let probes = 0;
  for (let i = 0; i < size && probes < ATTEMPTS; i++) {
    const candidate = low + ((offset + i) % size);
    if (taken.has(candidate)) continue;
    probes++;
    const port = await probe(candidate, host);
    if (port !== undefined) return port;
  }
  // No room below the ephemeral range (or all of it busy): the kernel's choice.
  for (;;) {
    const port = await probe(0, host);
    if (port !== undefined && !taken.has(port)) return port;
  }
}
