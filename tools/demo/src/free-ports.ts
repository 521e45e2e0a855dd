// Free loopback ports, so the demo never collides with `make up`, another run or a test beside it.
import { freePort } from "@reviewlens/runtime/free-port";

export async function freePorts<K extends string>(keys: readonly K[]): Promise<Record<K, number>> {
  const out = {} as Record<K, number>;
  const taken = new Set<number>();
  for (const key of keys) {
    const port = await freePort("127.0.0.1", taken);
    taken.add(port);
    out[key] = port;
  }
  return out;
}
