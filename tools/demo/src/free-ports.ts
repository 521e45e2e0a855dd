// Free loopback ports, so the demo never collides with `make up` or another run.
import { createServer } from "node:net";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function freePorts<K extends string>(keys: readonly K[]): Promise<Record<K, number>> {
  const out = {} as Record<K, number>;
  const taken = new Set<number>();
  for (const key of keys) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    out[key] = port;
  }
  return out;
}
