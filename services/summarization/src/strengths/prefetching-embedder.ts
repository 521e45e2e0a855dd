// Embeds texts before step C asks for them: step B hands over each review's claims as its answer
// arrives, so by the time the longest answer is in, all but its claims are embedded and step C waits
// for one small request instead of every claim. Nothing is embedded twice; a prefetch that failed is
// asked again when step C needs it, so an early transient error costs what it cost before.
import type { TextEmbedder } from "@reviewlens/embedder";

export class PrefetchingEmbedder implements TextEmbedder {
  private readonly started = new Map<string, Promise<number[]>>();

  constructor(private readonly inner: TextEmbedder) {}

  /** Starts embedding the texts not started yet; returns at once. */
  prefetch(texts: string[], signal?: AbortSignal): void {
    const fresh = [...new Set(texts)].filter((t) => !this.started.has(t));
    if (fresh.length > 0) this.start(fresh, signal);
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const unique = [...new Set(texts)];
    const prefetched = await Promise.allSettled(unique.map((t) => this.started.get(t) ?? Promise.reject(new Error("not prefetched"))));
    // Not started, or failed: one request for all of them, replacing the failed ones.
    const again = unique.filter((_, i) => prefetched[i]!.status === "rejected");
    if (again.length > 0) this.start(again, signal);
    const vectors = new Map(await Promise.all(unique.map(async (t) => [t, await this.started.get(t)!] as const)));
    return texts.map((t) => vectors.get(t)!);
  }

  private start(texts: string[], signal?: AbortSignal): void {
    const batch = this.inner.embed(texts, signal);
    texts.forEach((t, i) => {
      const one = batch.then((vectors) => vectors[i]!);
      // Settled by embed(); a rejection before then is not unhandled.
      one.catch(() => undefined);
      this.started.set(t, one);
    });
  }
}
