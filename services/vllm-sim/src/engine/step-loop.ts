// Drives the engine in wall-clock time: step k ends at virtual time sum(durations), shown to
// clients at wall time start + virtual * timeScale. A late timer never stretches virtual time:
// overdue steps run back to back until the loop has caught up, and their tokens are flushed together.
import type { EngineCore } from "./engine-core.js";
import type { EngineRequest } from "./engine-request.js";

/** Longest stretch of catch-up work before the loop yields to I/O (wall ms). */
const MAX_CATCH_UP_MS = 20;

export class StepLoop {
  private readonly wallStart = performance.now();
  private stepEndMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private kickPending = false;
  private stopped = false;

  constructor(
    readonly core: EngineCore,
    readonly timeScale: number,
  ) {
    if (!(timeScale > 0)) throw new RangeError(`timeScale must be positive, got ${timeScale}`);
  }

  /** Engine time in virtual milliseconds. */
  now(): number {
    return (performance.now() - this.wallStart) / this.timeScale;
  }

  submit(request: EngineRequest): void {
    this.core.submit(request, this.now());
    this.kick();
  }

  abort(request: EngineRequest): void {
    this.core.abort(request, this.now());
    this.flush();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Starts stepping on the next turn of the event loop, so simultaneous arrivals share a step. */
  private kick(): void {
    if (this.core.inStep || this.kickPending || this.stopped) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      if (this.core.inStep || this.stopped) return;
      this.begin(this.now());
      this.arm();
    });
  }

  private begin(startMs: number): boolean {
    const duration = this.core.beginStep(startMs);
    if (duration === null) return false;
    this.stepEndMs = startMs + duration;
    return true;
  }

  private arm(): void {
    if (!this.core.inStep || this.stopped) return;
    const delay = this.wallStart + this.stepEndMs * this.timeScale - performance.now();
    this.timer = setTimeout(() => this.onStepEnd(), delay > 0 ? delay : 0);
  }

  private onStepEnd(): void {
    // Timers have millisecond granularity and may fire early; tokens never leave before their time.
    const early = this.wallStart + this.stepEndMs * this.timeScale - performance.now();
    if (early > 0.05) {
      this.timer = setTimeout(() => this.onStepEnd(), early);
      return;
    }
    const yieldAt = performance.now() + MAX_CATCH_UP_MS;
    for (;;) {
      this.core.endStep(this.stepEndMs, performance.now() - (this.wallStart + this.stepEndMs * this.timeScale));
      if (!this.begin(this.stepEndMs)) break;
      const now = performance.now();
      if (this.wallStart + this.stepEndMs * this.timeScale > now || now > yieldAt) break;
    }
    this.flush();
    if (this.core.inStep) this.arm();
    else if (this.core.hasWork) this.kick(); // waiting requests that arrived after the last step began
  }

  private flush(): void {
    for (const request of this.core.takeDirty()) request.listener.onProgress(request);
  }
}
