// A stand-in `nvidia-smi` on PATH that prints the GPU utilisation a test sets (this machine has no GPU).
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export interface FakeNvidiaSmi {
  /** Directory holding the `nvidia-smi` script: put it first on PATH. */
  readonly dir: string;
  /** PATH with the fake first. */
  readonly path: string;
  /** One utilisation per GPU; memory.used is reported as 1024 MiB each. */
  setUtilization(...percent: number[]): Promise<void>;
  /** The next calls print `message` to stderr and exit with `code`, as a broken driver does. */
  fail(code: number, message: string): Promise<void>;
  remove(): Promise<void>;
}

export async function createFakeNvidiaSmi(): Promise<FakeNvidiaSmi> {
  const dir = await mkdtemp(join(tmpdir(), "fake-nvidia-smi-"));
  const script = `#!/bin/sh
# Only the watchdog's query is supported; anything else is a bug in the caller.
if [ "$1" != "--query-gpu=utilization.gpu,memory.used" ] || [ "$2" != "--format=csv,noheader,nounits" ]; then
  echo "unexpected arguments: $*" >&2; exit 9
fi
cat "${dir}/stdout"
cat "${dir}/stderr" >&2
exit "$(cat "${dir}/exit-code")"
`;
  await writeFile(join(dir, "nvidia-smi"), script);
  await chmod(join(dir, "nvidia-smi"), 0o755);
  const set = async (stdout: string, stderr: string, code: number) => {
    await writeFile(join(dir, "stdout"), stdout);
    await writeFile(join(dir, "stderr"), stderr);
    await writeFile(join(dir, "exit-code"), String(code));
  };
  const fake: FakeNvidiaSmi = {
    dir,
    path: `${dir}${delimiter}${process.env["PATH"] ?? ""}`,
    setUtilization: (...percent) => set(percent.map((p) => `${p}, 1024\n`).join(""), "", 0),
    fail: (code, message) => set("", `${message}\n`, code),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  await fake.setUtilization(0);
  return fake;
}
