// vllm-sim stops as every service does: SIGTERM or SIGINT drains (a stream in flight finishes) and exits 0.
import assert from "node:assert/strict";
import { test } from "node:test";
import { stopBySignal } from "@reviewlens/testkit";
import { readSse, startSim } from "./sim-process.js";

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`${signal}: the stream in flight ends with [DONE], then the simulator logs the drain and exits 0`, async () => {
    const sim = await startSim(["--time-scale", "0.1"]);
    try {
      const res = await sim.post("/v1/completions", { model: "Qwen/Qwen2.5-7B-Instruct", prompt: "The stew", max_tokens: 40, ignore_eos: true, stream: true });
      assert.equal(res.status, 200);
      const stopped = stopBySignal(sim.process, signal);
      const { events, done } = await readSse(res);
      assert.ok(done, "the stream in flight ends with [DONE]");
      assert.ok(events.length > 0);
      const { code, shutdownLines } = await stopped;
      assert.equal(code, 0);
      assert.deepEqual(shutdownLines, ["shutting down", "draining", "drain finished"]);
      const finished = sim.process.logs.find((l) => l["msg"] === "drain finished");
      assert.equal(finished?.["outcome"], "drained");
    } finally {
      await sim.stop();
    }
  });
}
