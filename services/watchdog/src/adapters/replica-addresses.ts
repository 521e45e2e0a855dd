// A gateway's /metrics URL may name a Service that resolves to every replica (a headless Service,
// as the chart's gateway has): each scrape of the name reaches one replica at random, so a wake
// signal held by another goes unseen and request counters jump between replicas. Read every
// replica instead: one URL per address the name resolves to, at each check.
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { Reading, RequestLoad, Signal } from "../signals.js";

export type Lookup = (hostname: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

const systemLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true });

/** The URL once per address its host resolves to (IPv4 when it has any: `localhost` is one server, not two). */
export async function replicaUrls(url: string, lookup: Lookup = systemLookup): Promise<string[]> {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  // An address is one replica; https keeps its name (the certificate is for it).
  if (isIP(host) || parsed.protocol !== "http:") return [url];
  const found = await lookup(host);
  const v4 = found.filter((a) => a.family === 4);
  const addresses = [...new Set((v4.length > 0 ? v4 : found).map((a) => a.address))];
  return addresses.map((address) => {
    const copy = new URL(url);
    copy.hostname = isIP(address) === 6 ? `[${address}]` : address;
    return copy.toString();
  });
}

/** A signal per URL, each read at every address its name resolves to now; a failed lookup is one unknown reading. */
export function perReplica(url: string, signalFor: (url: string) => Signal<RequestLoad>, lookup: Lookup = systemLookup) {
  return {
    source: url,
    async read(signal: AbortSignal): Promise<Array<{ source: string; reading: Reading<RequestLoad> }>> {
      let urls: string[];
      try {
        urls = await replicaUrls(url, lookup);
      } catch (error) {
        return [{ source: url, reading: { known: false, reason: `${url}: cannot resolve (${error instanceof Error ? error.message : String(error)})` } }];
      }
      return Promise.all(urls.map(async (u) => ({ source: u, reading: await signalFor(u).read(signal) })));
    },
  };
}
