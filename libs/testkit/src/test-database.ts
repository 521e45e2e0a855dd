// A fresh PostgreSQL database per test file on the test server (TEST_DATABASE_URL), dropped after.
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export function testDatabaseUrl(): string {
  const url = process.env["TEST_DATABASE_URL"];
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run through scripts/test-servers.sh");
  return url;
}

export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const admin = testDatabaseUrl();
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        // A pool's end() resolves before its sockets have closed; forcing the drop at once would
        // terminate those sessions and their clients would throw "terminating connection due to
        // administrator command" into the test. Wait for them to go, force only the stragglers.
        for (let attempt = 0; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name}${attempt >= 30 ? " WITH (FORCE)" : ""}`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== "55006" || attempt >= 30) throw error; // 55006: object_in_use
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}
