// Progress on stderr: a bar on a terminal, a plain line every few seconds otherwise (CI logs).
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number, detail?: string): void;
  stop(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {value}/{total} {detail}`, stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: "" });
    return { update: (done, detail = "") => bar.update(done, { detail }), stop: () => bar.stop() };
  }
  let last = 0;
  let latest = 0;
  return {
    update(done, detail = "") {
      latest = done;
      if (Date.now() - last > 2_000) {
        last = Date.now();
        stream.write(`${label}: ${done}/${total} ${detail}\n`);
      }
    },
    stop: () => stream.write(`${label}: ${latest}/${total} done\n`),
  };
}
