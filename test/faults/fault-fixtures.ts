// Shared pieces of the fault tests: review data under a per-test prefix, row counts in the
// metrics database, Prometheus samples and the health of a process.
import { execSync } from "node:child_process";
import { generateDataset, type ReviewRecord } from "@reviewlens/demo-data";
import { createChannel, createClient } from "nice-grpc";
import { HealthDefinition } from "nice-grpc-server-health";
import { HealthCheckResponse_ServingStatus } from "nice-grpc-server-health/lib/proto/grpc/health/v1/health.js";
import pg from "pg";

/** `restaurants` x `perRestaurant` demo reviews whose restaurant and review IDs start with `prefix`. */
export function prefixedReviews(prefix: string, restaurants: number, perRestaurant: number, seed = 7): ReviewRecord[] {
  return generateDataset({ seed, restaurants, reviewsPerRestaurant: perRestaurant, imageShare: 0 }).reviews.map((r) => ({
    ...r,
    review_id: `${prefix}-${r.review_id}`,
    restaurant_id: `${prefix}-${r.restaurant_id}`,
  }));
}

export const restaurantsOf = (reviews: readonly ReviewRecord[]) => [...new Set(reviews.map((r) => r.restaurant_id))];

/** The sum of a metric's samples on a Prometheus page whose label sets contain `labelPart`. */
export async function scrapeSum(url: string, name: string, labelPart = ""): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([^\s{]+)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match?.[1] === name && (match[2] ?? "").includes(labelPart)) sum += Number(match[3]);
  }
  return sum;
}

/** Generation requests a simulator finished (every finish reason, aborts included). */
export const simRequests = (simUrl: string) => scrapeSum(`${simUrl}/metrics`, "vllm:request_success_total");

export async function isServing(address: string): Promise<boolean> {
  const channel = createChannel(address);
  try {
    const response = await createClient(HealthDefinition, channel).check({ service: "" }, { signal: AbortSignal.timeout(2_000) });
    return response.status === HealthCheckResponse_ServingStatus.SERVING;
  } catch {
    return false;
  } finally {
    channel.close();
  }
}

/** Row counts per restaurant in the metrics tables, for the restaurants under `prefix`. */
export class MetricsRows {
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
    this.pool.on("error", () => {}); // connections die while PostgreSQL is stopped
  }

  /** vllm_metrics rows of these restaurants, and how many distinct request IDs they carry. */
  async vllmRows(prefix: string): Promise<{ rows: number; distinct: number }> {
    const r = await this.pool.query<{ rows: string; distinct: string }>(
      "SELECT count(*) AS rows, count(DISTINCT request_id) AS distinct FROM vllm_metrics WHERE restaurant_id LIKE $1",
      [`${prefix}-%`],
    );
    return { rows: Number(r.rows[0]!.rows), distinct: Number(r.rows[0]!.distinct) };
  }

  /** vllm_metrics rows with these request IDs. */
  async vllmRowsFor(requestIds: readonly string[]): Promise<number> {
    const r = await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM vllm_metrics WHERE request_id = ANY($1)", [requestIds]);
    return Number(r.rows[0]!.n);
  }

  /** analysis_metrics rows of these restaurants by status. */
  async analysisRows(prefix: string): Promise<Record<string, number>> {
    const r = await this.pool.query<{ status: string; n: string }>(
      "SELECT status, count(*) AS n FROM analysis_metrics WHERE restaurant_id LIKE $1 GROUP BY status",
      [`${prefix}-%`],
    );
    return Object.fromEntries(r.rows.map((row) => [row.status, Number(row.n)]));
  }

  async close() {
    await this.pool.end();
  }
}

/** Stops (`-m immediate`: a crash, no shutdown checkpoint) or starts the test PostgreSQL server. */
export function pgCtl(action: "kill" | "start"): void {
  const ctl = process.env["TEST_PG_CTL"];
  if (!ctl) throw new Error("TEST_PG_CTL is not set: run through scripts/test-servers.sh");
  execSync(action === "start" ? `${ctl} status >/dev/null || ${ctl} start` : `${ctl} stop -m immediate`, { stdio: "ignore", shell: "/bin/bash" });
}
