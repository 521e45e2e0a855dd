// A stand-in `nvidia-smi` on PATH (this machine has no GPU). It answers like the real tool: a
// `--query-gpu=<fields> --format=csv,noheader,nounits` prints the asked fields of the current sample
// in the asked order (an unknown field fails as nvidia-smi does), `--query-compute-apps=...` the
// process listing, `-q -x` the XML. A test replays recorded samples (the real H200 outputs in
// fixtures/nvidia-smi/): each query moves to the next sample and holds at the last one.
// The watchdog reads processes only from `-q -x` (WATCHDOG_GPU_SIGNAL=nvidia-smi-xml), which replays the
// recorded XML (taken at idle: no process); it never runs `--query-compute-apps`, so no test needs
// that listing here (the parser tests read the recorded one straight from the fixture).
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** Recorded `--query-gpu` samples: the field of each column, and per sample one row per GPU. */
export interface GpuTrace {
  readonly fields: readonly string[];
  readonly samples: ReadonlyArray<readonly string[]>;
}

export interface FakeNvidiaSmi {
  /** Directory holding the `nvidia-smi` script: put it first on PATH. */
  readonly dir: string;
  /** PATH with the fake first. */
  readonly path: string;
  /** One sample: one utilisation per GPU; memory.used is reported as 1024 MiB each. */
  setUtilization(...percent: number[]): Promise<void>;
  /** Replays `trace` from its first sample, one sample per query. */
  replay(trace: GpuTrace): Promise<void>;
  /** What `--query-compute-apps=...` and `-q -x` print. */
  setComputeApps(stdout: string): Promise<void>;
  setXml(xml: string): Promise<void>;
  /** The next calls print `message` to stderr and exit with `code`, as a broken driver does. */
  fail(code: number, message: string): Promise<void>;
  remove(): Promise<void>;
}

export async function createFakeNvidiaSmi(): Promise<FakeNvidiaSmi> {
  const dir = await mkdtemp(join(tmpdir(), "fake-nvidia-smi-"));
  // samples/N.csv hold one sample each (a header line of field names, then a row per GPU); cursor
  // is the sample the next query prints.
  const script = `#!/bin/sh
d="${dir}"
if [ -s "$d/stderr" ]; then cat "$d/stderr" >&2; exit "$(cat "$d/exit-code")"; fi
case "$1" in
  --query-gpu=*)
    if [ "$2" != "--format=csv,noheader,nounits" ]; then echo "fake nvidia-smi: only --format=csv,noheader,nounits, got: $2" >&2; exit 9; fi
    n=$(cat "$d/cursor"); last=$(cat "$d/count")
    if [ "$n" -lt "$last" ]; then echo $((n + 1)) > "$d/cursor"; else n=$last; fi
    awk -F', ' -v want="\${1#--query-gpu=}" '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; k = split(want, w, ","); for (j = 1; j <= k; j++) if (!(w[j] in col)) { print "Field \\"" w[j] "\\" is not a valid field to query." > "/dev/stderr"; exit 2 }; next }
      { line = ""; for (j = 1; j <= k; j++) line = line (j > 1 ? ", " : "") $(col[w[j]]); print line }
    ' "$d/samples/$n.csv" ;;
  --query-compute-apps=pid,process_name,used_memory)
    [ "$2" = "--format=csv,noheader,nounits" ] || { echo "fake nvidia-smi: unexpected $2" >&2; exit 9; }
    cat "$d/compute-apps" ;;
  -q) [ "$2" = "-x" ] || { echo "fake nvidia-smi: only -q -x" >&2; exit 9; }; cat "$d/q.xml" ;;
  *) echo "fake nvidia-smi: unexpected arguments: $*" >&2; exit 9 ;;
esac
`;
  await writeFile(join(dir, "nvidia-smi"), script);
  await chmod(join(dir, "nvidia-smi"), 0o755);
  const working = async () => {
    await writeFile(join(dir, "stderr"), "");
    await writeFile(join(dir, "exit-code"), "0");
  };
  const replay = async ({ fields, samples }: GpuTrace) => {
    if (samples.length === 0) throw new Error("a trace needs at least one sample");
    await rm(join(dir, "samples"), { recursive: true, force: true });
    await mkdir(join(dir, "samples"));
    for (const [i, rows] of samples.entries()) await writeFile(join(dir, "samples", `${i + 1}.csv`), [fields.join(", "), ...rows, ""].join("\n"));
    await writeFile(join(dir, "count"), String(samples.length));
    await writeFile(join(dir, "cursor"), "1");
    await working();
  };
  const fake: FakeNvidiaSmi = {
    dir,
    path: `${dir}${delimiter}${process.env["PATH"] ?? ""}`,
    setUtilization: (...percent) => replay({ fields: ["utilization.gpu", "memory.used"], samples: [percent.map((p) => `${p}, 1024`)] }),
    replay,
    setComputeApps: (stdout) => writeFile(join(dir, "compute-apps"), stdout),
    setXml: (xml) => writeFile(join(dir, "q.xml"), xml),
    async fail(code, message) {
      await writeFile(join(dir, "stderr"), `${message}\n`);
      await writeFile(join(dir, "exit-code"), String(code));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  await fake.setComputeApps("");
  await fake.setXml("");
  await fake.setUtilization(0);
  return fake;
}
