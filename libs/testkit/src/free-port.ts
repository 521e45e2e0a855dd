// A loopback port nothing listens on right now: for a server a test or benchmark starts later at a
// known address (a backend the gateway points at before it exists, a process that must come back on
// the same port).
import { createServer } from "node:net";

export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
