// A progress bar on stderr (cli-progress), so stdout keeps only the summary.
import { SingleBar, Presets } from "cli-progress";

export class ProgressBar {
  private readonly bar = new SingleBar({ stream: process.stderr, format: "{bar} {percentage}% | {value}/{total} requests | {duration}s", hideCursor: true }, Presets.shades_classic);
  private stopped = false;

  constructor(total: number) {
    this.bar.start(total, 0);
  }

  tick(): void {
    if (!this.stopped) this.bar.increment();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bar.stop();
  }
}
