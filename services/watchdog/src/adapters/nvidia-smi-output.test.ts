// The parsers against the real outputs of an H200's nvidia-smi (test/fixtures/nvidia-smi/); the
// expected numbers are read off those files by eye.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nvidiaSmiFixtures as fx } from "../../test/nvidia-smi-fixtures.js";
import { parseComputeApps, parseNvidiaSmiXml, parseQueryGpuCsv } from "./nvidia-smi-output.js";

const UUID = "GPU-00000000-0000-0000-0000-000000000000";
const valueOf = <T>(r: { known: true; value: T } | { known: false; reason: string }): T => {
  assert.ok(r.known, r.known ? "" : r.reason);
  return r.value;
};

describe("--query-gpu CSV", () => {
  it("reads the idle H200's full query by the asked fields: utilisation, memory, name, uuid", () => {
    assert.deepEqual(valueOf(parseQueryGpuCsv(fx.idleFullQuery, fx.idleFullQueryFields)), [
      { utilizationPercent: 0, memoryUsedMiB: 0, memoryTotalMiB: 143771, name: "NVIDIA H200", uuid: UUID },
    ]);
  });

  it("reads the header form with units (--format=csv), naming columns by the header", () => {
    assert.deepEqual(valueOf(parseQueryGpuCsv(fx.idleWithHeader, ["ignored.because.of.header"])), [{ utilizationPercent: 0, memoryUsedMiB: 0 }]);
  });

  it("follows the matmul run: idle twice, then 100% with 1011 MiB, then back to 0", () => {
    const read = (trace: typeof fx.busy) => trace.samples.map((rows) => valueOf(parseQueryGpuCsv(rows.join("\n"), trace.fields))[0]!);
    const busy = read(fx.busy);
    assert.deepEqual(busy.map((g) => g.utilizationPercent), [0, 0, 100, 100, 100, 100, 100, 100, 100, 100]);
    assert.deepEqual(busy.map((g) => g.memoryUsedMiB), [0, 0, 1011, 1011, 1011, 1011, 1011, 1011, 1011, 1011]);
    const after = read(fx.after);
    assert.deepEqual(after.map((g) => [g.utilizationPercent, g.memoryUsedMiB]), [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]);
  });

  it("reads one GPU per line", () => {
    assert.deepEqual(valueOf(parseQueryGpuCsv("0, 15000\n97, 70000\n")), [
      { utilizationPercent: 0, memoryUsedMiB: 15000 },
      { utilizationPercent: 97, memoryUsedMiB: 70000 },
    ]);
  });

  for (const [what, text] of [
    ["no GPU", ""],
    ["[N/A]", "[N/A], 1024\n"],
    ["[Not Supported]", "[Not Supported], [Not Supported]\n"],
    ["a driver message", "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"],
    ["a missing column", "5\n"],
    ["an extra column (another query's output)", fx.busy.samples[3]![0]!],
    ["a percentage above 100", "140, 10\n"],
  ] as const) {
    it(`is unknown, never idle, on ${what}`, () => {
      assert.equal(parseQueryGpuCsv(text).known, false);
    });
  }

  it("is unknown when the query lacks utilization.gpu", () => {
    const r = parseQueryGpuCsv("0, 143771\n", ["memory.used", "memory.total"]);
    assert.ok(!r.known);
    assert.match(r.reason, /lacks utilization.gpu/);
  });
});

describe("--query-compute-apps", () => {
  it("is no process at idle (empty output)", () => {
    assert.deepEqual(valueOf(parseComputeApps(fx.idleComputeApps)), []);
  });

  it("lists the matmul's python3 with its memory", () => {
    assert.deepEqual(valueOf(parseComputeApps(fx.busyComputeApps)), [{ pid: 452, processName: "python3", usedMemoryMiB: 1002 }]);
  });

  it("is unknown on a line that is not pid, name, memory", () => {
    assert.equal(parseComputeApps("452, python3, [N/A]\n").known, false);
  });
});

describe("-q -x XML", () => {
  it("reads the idle H200: utilisation, memory used and total, name, uuid, no process", () => {
    assert.deepEqual(valueOf(parseNvidiaSmiXml(fx.xml)), [
      { utilizationPercent: 0, memoryUsedMiB: 0, memoryTotalMiB: 143771, name: "NVIDIA H200", uuid: UUID, processes: [] },
    ]);
  });

  it("reads processes and utilisation when a process runs", () => {
    // The real document with a process block in nvidia-smi's process_info shape and the GPU at 100%.
    const busy = fx.xml
      .replace("<gpu_util>0 %</gpu_util>", "<gpu_util>100 %</gpu_util>")
      .replace(
        /<processes>\s*<\/processes>/,
        "<processes><process_info><gpu_instance_id>N/A</gpu_instance_id><compute_instance_id>N/A</compute_instance_id><pid>452</pid><type>C</type><process_name>python3</process_name><used_memory>1002 MiB</used_memory></process_info></processes>",
      );
    const [gpu] = valueOf(parseNvidiaSmiXml(busy));
    assert.equal(gpu!.utilizationPercent, 100);
    assert.deepEqual(gpu!.processes, [{ pid: 452, processName: "python3", usedMemoryMiB: 1002 }]);
  });

  for (const [what, text] of [
    ["an empty output", ""],
    ["a cut-off document", fx.xml.slice(0, fx.xml.indexOf("<utilization>"))],
    ["utilisation N/A", fx.xml.replace("<gpu_util>0 %</gpu_util>", "<gpu_util>N/A</gpu_util>")],
    ["a driver message", "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"],
  ] as const) {
    it(`is unknown, never idle, on ${what}`, () => {
      assert.equal(parseNvidiaSmiXml(text).known, false);
    });
  }
});
