// Who was served what over the last minute on this replica: tokens (prompt plus output) per tenant
// in one-second buckets, for GetStatus's shares. Pure (the clock is passed in).

const BUCKETS = 60;

export interface ServedShare {
  tenant: string;
  tokens: number;
  /** Of all tokens served over the window. */
  share: number;
}

export class ServedShares {
  private readonly tenants = new Map<string, { tokens: number[]; second: number[] }>();

  constructor(private readonly clock: () => number = () => Date.now()) {}

  record(tenant: string, tokens: number): void {
    const second = Math.floor(this.clock() / 1_000);
    let t = this.tenants.get(tenant);
    if (!t) {
      t = { tokens: new Array<number>(BUCKETS).fill(0), second: new Array<number>(BUCKETS).fill(-1) };
      this.tenants.set(tenant, t);
    }
    const i = second % BUCKETS;
    if (t.second[i] !== second) {
      t.second[i] = second;
      t.tokens[i] = 0;
    }
    t.tokens[i]! += tokens;
  }

  /** Each tenant served within the last minute, with its tokens and share. */
  snapshot(): ServedShare[] {
    const now = Math.floor(this.clock() / 1_000);
    const served: Array<{ tenant: string; tokens: number }> = [];
    for (const [tenant, t] of this.tenants) {
      let tokens = 0;
      t.second.forEach((s, i) => {
        if (s > now - BUCKETS) tokens += t.tokens[i]!;
      });
      if (tokens > 0) served.push({ tenant, tokens });
      else this.tenants.delete(tenant);
    }
    const total = served.reduce((n, s) => n + s.tokens, 0);
    return served.map((s) => ({ ...s, share: s.tokens / total }));
  }
}
