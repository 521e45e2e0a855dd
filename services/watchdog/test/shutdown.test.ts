// The watchdog stops as every service does: SIGTERM or SIGINT ends the check loop, logs the drain, exits 0.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startServiceProcess, stopBySignal, waitFor } from "@reviewlens/testkit";

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal}: the watchdog finishes its check, logs the drain and exits 0 without stopping anything`, async () => {
    const watchdog = await startServiceProcess({
      entry: "services/watchdog/src/main.ts",
      // Nothing listens on port 9: every check reads an unknown signal, which never stops anything.
      args: ["--actuator=none", "--dry-run", "--check-interval=0.2", "--metrics-port=0", "--gateway-metrics-url=http://127.0.0.1:9/metrics"],
      readyWhen: (line) => String(line["msg"]).startsWith("watchdog watching"),
    });
    try {
      await waitFor(() => watchdog.logs.some((l) => typeof l["decision"] === "string") || undefined, "a first check");
      const { code, shutdownLines } = await stopBySignal(watchdog, signal);
      assert.equal(code, 0);
      assert.deepEqual(shutdownLines, ["shutting down", "draining", "drain finished"]);
      assert.ok(!watchdog.logs.some((l) => l["decision"] === "stop"), "no stop decision");
    } finally {
      await watchdog.stop("SIGKILL");
    }
  });
}
