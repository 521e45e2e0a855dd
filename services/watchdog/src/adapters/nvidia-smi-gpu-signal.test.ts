import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createFakeNvidiaSmi } from "../../test/fake-nvidia-smi.js";
import { createNvidiaSmiGpuSignal, parseNvidiaSmiCsv } from "./nvidia-smi-gpu-signal.js";

const signal = () => new AbortController().signal;

describe("parseNvidiaSmiCsv", () => {
  it("reads one GPU per line", () => {
    assert.deepEqual(parseNvidiaSmiCsv("0, 15000\n97, 70000\n"), {
      known: true,
      value: [
        { utilizationPercent: 0, memoryUsedMiB: 15000 },
        { utilizationPercent: 97, memoryUsedMiB: 70000 },
      ],
    });
  });

  for (const [what, text] of [
    ["no GPU", ""],
    ["[N/A]", "[N/A], 1024\n"],
    ["[Not Supported]", "[Not Supported], [Not Supported]\n"],
    ["a driver message", "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"],
    ["a missing column", "5\n"],
    ["a percentage above 100", "140, 10\n"],
  ] as const) {
    it(`is unknown, never idle, on ${what}`, () => {
      assert.equal(parseNvidiaSmiCsv(text).known, false);
    });
  }
});

describe("nvidia-smi GPU signal (a fake nvidia-smi script on PATH)", async () => {
  const fake = await createFakeNvidiaSmi();
  after(() => fake.remove());
  const gpu = createNvidiaSmiGpuSignal([`${fake.dir}/nvidia-smi`], 5_000);

  it("runs the query and reads every GPU", async () => {
    await fake.setUtilization(3, 88);
    const reading = await gpu.read(signal());
    assert.deepEqual(reading, { known: true, value: [{ utilizationPercent: 3, memoryUsedMiB: 1024 }, { utilizationPercent: 88, memoryUsedMiB: 1024 }] });
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
