// The start-up delay of a real vLLM (weights read and copied to the GPU, CUDA graphs captured):
// until it passes, /health answers 503 and the model's routes refuse, so a wake looks like one.

/** Routes that answer while the model loads (the process is up; the model is not). */
const ANSWERED_WHILE_LOADING = new Set(["/metrics", "/ping", "/version"]);

export class ModelLoad {
  private loaded: boolean;
  private readonly done: Promise<void>;

  /** `wallMs`: the load time in wall milliseconds (virtual seconds times the time scale). */
  constructor(readonly wallMs: number) {
    this.loaded = wallMs <= 0;
    this.done = this.loaded
      ? Promise.resolve()
      : new Promise((resolve) =>
          setTimeout(() => {
            this.loaded = true;
            resolve();
          }, wallMs).unref(),
        );
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Resolves when the model is loaded. */
  whenLoaded(): Promise<void> {
    return this.done;
  }

  /** Whether a request for this path must be refused now. */
  refuses(path: string): boolean {
    return !this.loaded && !ANSWERED_WHILE_LOADING.has(path);
  }
}
