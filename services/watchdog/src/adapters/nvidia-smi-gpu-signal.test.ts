import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createFakeNvidiaSmi } from "../../test/fake-nvidia-smi.js";
import { nvidiaSmiFixtures } from "../../test/nvidia-smi-fixtures.js";
import { createNvidiaSmiGpuSignal } from "./nvidia-smi-gpu-signal.js";

const signal = () => new AbortController().signal;

describe("nvidia-smi GPU signal (a fake nvidia-smi script on PATH)", async () => {
  const fake = await createFakeNvidiaSmi();
  after(() => fake.remove());
  const gpu = createNvidiaSmiGpuSignal([`${fake.dir}/nvidia-smi`], 5_000);

  it("runs the query and reads every GPU", async () => {
    await fake.setUtilization(3, 88);
    const reading = await gpu.read(signal());
    assert.deepEqual(reading, { known: true, value: [{ utilizationPercent: 3, memoryUsedMiB: 1024 }, { utilizationPercent: 88, memoryUsedMiB: 1024 }] });
  });

  it("replays the real H200 matmul run query by query, then the run after it", async () => {
    const utilisation = async () => {
      const r = await gpu.read(signal());
      assert.ok(r.known, r.known ? "" : r.reason);
      return r.value.map((g) => [g.utilizationPercent, g.memoryUsedMiB]);
    };
    await fake.replay(nvidiaSmiFixtures.busy);
    const seen = [];
    for (let i = 0; i < nvidiaSmiFixtures.busy.samples.length + 1; i++) seen.push(await utilisation());
    assert.deepEqual(seen, [[[0, 0]], [[0, 0]], ...Array<number[][]>(9).fill([[100, 1011]])], "the last sample holds");
    await fake.replay(nvidiaSmiFixtures.after);
    assert.deepEqual(await utilisation(), [[0, 0]]);
  });

  it("reads -q -x (WATCHDOG_GPU_SIGNAL=nvidia-smi-xml) from the real H200's XML", async () => {
    await fake.setXml(nvidiaSmiFixtures.xml);
    const reading = await createNvidiaSmiGpuSignal([`${fake.dir}/nvidia-smi`], 5_000, "xml").read(signal());
    assert.ok(reading.known);
    assert.deepEqual(reading.value.map((g) => [g.name, g.utilizationPercent, g.memoryUsedMiB, g.processes?.length]), [["NVIDIA H200", 0, 0, 0]]);
  });

  it("is unknown when nvidia-smi fails, with its message", async () => {
    await fake.fail(9, "Failed to initialize NVML: Driver/library version mismatch");
    const reading = await gpu.read(signal());
    assert.equal(reading.known, false);
    assert.match(!reading.known ? reading.reason : "", /Driver\/library version mismatch/);
  });

  it("is unknown when nvidia-smi is not installed", async () => {
    const missing = createNvidiaSmiGpuSignal(["/nonexistent/nvidia-smi"], 5_000);
    const reading = await missing.read(signal());
    assert.equal(reading.known, false);
    assert.match(!reading.known ? reading.reason : "", /ENOENT/);
  });

  it("is unknown when nvidia-smi hangs past the timeout", async () => {
    const hanging = createNvidiaSmiGpuSignal(["sleep", "10"], 200);
    assert.equal((await hanging.read(signal())).known, false);
  });

  it("passes leading arguments through, for nvidia-smi run elsewhere (e.g. kubectl exec ... --)", async () => {
    await fake.setUtilization(42);
    const viaEnv = createNvidiaSmiGpuSignal(["env", `${fake.dir}/nvidia-smi`], 5_000);
    assert.deepEqual(await viaEnv.read(signal()), { known: true, value: [{ utilizationPercent: 42, memoryUsedMiB: 1024 }] });
  });
});
