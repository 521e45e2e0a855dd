// The test Redis from scripts/test-servers.sh, and stopping/restarting it for outage tests.
import { execSync } from "node:child_process";
import { Redis } from "ioredis";
import { waitFor } from "@reviewlens/testkit";

export function testRedisUrl(): string {
  const url = process.env["TEST_REDIS_URL"];
  if (!url) throw new Error("TEST_REDIS_URL is not set: run through scripts/test-servers.sh");
  return url;
}

export function stopRedis(): void {
  execSync(`redis-cli -u ${testRedisUrl()} shutdown nosave`, { stdio: "ignore" });
}

export async function startRedis(): Promise<void> {
  const cmd = process.env["TEST_REDIS_SERVER_CMD"];
  if (!cmd) throw new Error("TEST_REDIS_SERVER_CMD is not set: run through scripts/test-servers.sh");
  const probe = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const up = await probe.connect().then(() => true, () => false);
  probe.disconnect();
  if (!up) execSync(cmd, { stdio: "ignore", shell: "/bin/bash" });
  await waitFor(async () => {
    const r = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await r.connect();
      return (await r.ping()) === "PONG";
    } finally {
      r.disconnect();
    }
  }, "redis-server to restart", 10_000);
}
