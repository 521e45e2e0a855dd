// vLLM V1's KV cache manager in miniature: fixed-size blocks, reference counts, a free queue that
// doubles as the LRU eviction order for cached blocks, and a block-hash index for prefix caching.

const NONE = -1;

export class KvBlockPool {
  readonly numBlocks: number;
  private readonly refCount: Int32Array;
  private readonly hashOf: Float64Array; // NaN: no cached content
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private readonly inFreeQueue: Uint8Array;
  private head = NONE;
  private tail = NONE;
  private freeCount = 0;
  private readonly byHash = new Map<number, number>();

  constructor(numBlocks: number) {
    if (!Number.isInteger(numBlocks) || numBlocks < 1) throw new RangeError(`numBlocks must be a positive integer, got ${numBlocks}`);
    this.numBlocks = numBlocks;
    this.refCount = new Int32Array(numBlocks);
    this.hashOf = new Float64Array(numBlocks).fill(Number.NaN);
    this.prev = new Int32Array(numBlocks).fill(NONE);
    this.next = new Int32Array(numBlocks).fill(NONE);
    this.inFreeQueue = new Uint8Array(numBlocks);
    for (let b = 0; b < numBlocks; b++) this.pushTail(b);
  }

  /** Blocks that can be handed out: unused ones and cached ones nobody references. */
  get numFree(): number {
    return this.freeCount;
  }

  /** vLLM's kv_cache_usage_perc: the fraction of blocks referenced by requests (0..1). */
  get usage(): number {
    return 1 - this.freeCount / this.numBlocks;
  }

  isFreeListed(block: number): boolean {
    return this.inFreeQueue[block] === 1;
  }

  /** The cached block holding this content hash, if any. */
  lookup(hash: number): number | undefined {
    return this.byHash.get(hash);
  }

  /** Takes the least recently freed block, evicting whatever it cached. */
  allocate(): number {
    const block = this.head;
    if (block === NONE) throw new Error("no free KV blocks: check numFree before allocating");
    this.unlink(block);
    this.evictHash(block);
    this.refCount[block] = 1;
    return block;
  }

  /** A prefix-cache hit: one more request references the block. */
  touch(block: number): void {
    if (this.inFreeQueue[block] === 1) this.unlink(block);
    this.refCount[block]! += 1;
  }

  /** Drops one reference; an unreferenced block keeps its content until it is evicted. */
  release(block: number): void {
    const left = (this.refCount[block]! -= 1);
    if (left < 0) throw new Error(`block ${block} released more often than referenced`);
    if (left === 0) this.pushTail(block);
  }

  /** Records that a full block holds the content with this hash (first block to hold it wins). */
  commit(block: number, hash: number): void {
    if (!Number.isNaN(this.hashOf[block]!) || this.byHash.has(hash)) return;
    this.hashOf[block] = hash;
    this.byHash.set(hash, block);
  }

  /** Forgets all cached content (vLLM's reset_prefix_cache). */
  resetPrefixCache(): void {
    this.byHash.clear();
    this.hashOf.fill(Number.NaN);
  }

  private evictHash(block: number): void {
    const hash = this.hashOf[block]!;
    if (Number.isNaN(hash)) return;
    if (this.byHash.get(hash) === block) this.byHash.delete(hash);
    this.hashOf[block] = Number.NaN;
  }

  private pushTail(block: number): void {
    this.prev[block] = this.tail;
    this.next[block] = NONE;
    if (this.tail === NONE) this.head = block;
    else this.next[this.tail] = block;
    this.tail = block;
    this.inFreeQueue[block] = 1;
    this.freeCount++;
  }

  private unlink(block: number): void {
    const p = this.prev[block]!;
    const n = this.next[block]!;
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
    this.prev[block] = NONE;
    this.next[block] = NONE;
    this.inFreeQueue[block] = 0;
    this.freeCount--;
  }
}
