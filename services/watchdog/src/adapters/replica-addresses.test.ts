import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, describe, it } from "node:test";
import { GATEWAY_LOAD_METRICS, createPrometheusLoadSignal } from "./prometheus-load-signal.js";
import { perReplica, replicaUrls, type Lookup } from "./replica-addresses.js";

const resolvesTo =
  (...addresses: string[]): Lookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("every replica behind a gateway's name", () => {
  it("is one URL per address the name resolves to; an address, https, and localhost's IPv6 twin stay one", async () => {
    assert.deepEqual(await replicaUrls("http://gateway.reviewlens:9461/metrics", resolvesTo("10.0.0.5", "10.0.0.6")), ["http://10.0.0.5:9461/metrics", "http://10.0.0.6:9461/metrics"]);
    assert.deepEqual(await replicaUrls("http://127.0.0.1:9461/metrics", resolvesTo("10.9.9.9")), ["http://127.0.0.1:9461/metrics"]);
    assert.deepEqual(await replicaUrls("https://gateway.example.com/metrics", resolvesTo("10.0.0.5", "10.0.0.6")), ["https://gateway.example.com/metrics"]);
    assert.deepEqual(await replicaUrls("http://localhost:9461/metrics", resolvesTo("::1", "127.0.0.1")), ["http://127.0.0.1:9461/metrics"]);
    assert.deepEqual(await replicaUrls("http://gateway:9461/metrics", resolvesTo("fd00::5")), ["http://[fd00::5]:9461/metrics"]);
  });

  it("reads each replica's page at its own address, and a name that does not resolve is unknown", async () => {
    // Two gateway replicas on the same port at two loopback addresses, as two pods behind one Service.
    const pages = ["127.0.0.2", "127.0.0.3"].map((host, i) => {
      const server = createServer((_, res) => res.end(`gateway_requests_in_flight 0\ngateway_queue_depth ${i * 3}\ngateway_cold_pool_queued_requests ${i * 3}\n`));
      return { host, server };
    });
    await new Promise<void>((resolve) => pages[0]!.server.listen(0, pages[0]!.host, resolve));
    const port = (pages[0]!.server.address() as { port: number }).port;
    await new Promise<void>((resolve) => pages[1]!.server.listen(port, pages[1]!.host, resolve));
    after(() => pages.forEach((p) => p.server.close()));
    const source = perReplica(`http://gateway.test:${port}/metrics`, (u) => createPrometheusLoadSignal(u, GATEWAY_LOAD_METRICS, 2_000), resolvesTo("127.0.0.2", "127.0.0.3"));
    const readings = await source.read(new AbortController().signal);
    assert.deepEqual(
      readings.map((r) => [r.source, r.reading.known && r.reading.value.heldForWake]),
      [
        [`http://127.0.0.2:${port}/metrics`, 0],
        [`http://127.0.0.3:${port}/metrics`, 3],
      ],
    );
    const failing = perReplica("http://nowhere.test/metrics", () => assert.fail("no read without an address"), () => Promise.reject(new Error("ENOTFOUND")));
    const [unresolved] = await failing.read(new AbortController().signal);
    assert.equal(unresolved?.reading.known, false);
    assert.match(!unresolved?.reading.known ? unresolved.reading.reason : "", /cannot resolve \(ENOTFOUND\)/);
  });
});
