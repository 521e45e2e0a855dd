// A live terminal line while the autoscaling benchmark runs: replicas, queue, vLLM waiting, TTFT.
export interface LiveSample {
  scenario: string;
  t: number;
  phase: string;
  ready: number;
  starting: number;
  draining: number;
  queue: number;
  waiting: number;
  recentP95TtftMs: number;
  done: number;
  total: number;
}

export class LiveView {
  private readonly tty: boolean;
  private lastPrinted = -Infinity;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  update(s: LiveSample): void {
    const bar = "#".repeat(s.ready) + "+".repeat(s.starting) + "-".repeat(s.draining);
    const line = `[${s.scenario}] t=${s.t.toFixed(0).padStart(4)}s ${s.phase.padEnd(9)} replicas ${bar.padEnd(10)} (${s.ready} ready, ${s.starting} starting) queue ${String(s.queue).padStart(4)} vllm waiting ${s.waiting.toFixed(0).padStart(3)} p95 TTFT ${s.recentP95TtftMs.toFixed(0).padStart(6)} ms  ${s.done}/${s.total}`;
    if (this.tty) this.stream.write(`\x1b[2K\r${line}`);
    else if (s.t - this.lastPrinted >= 30) {
      // Not a terminal (CI, a pipe): one line every 30 virtual seconds.
      this.stream.write(`${line}\n`);
      this.lastPrinted = s.t;
    }
  }

  end(): void {
    if (this.tty) this.stream.write("\n");
    this.lastPrinted = -Infinity;
  }
}
