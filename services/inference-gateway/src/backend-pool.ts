// The replicas the gateway routes to: their admission budgets, health (probes and consecutive
// request errors), last scraped load, and membership (added at runtime, drained before removal).
import { AdmissionController, type AdmissionOptions, type BackendCapacity, type BackendLoadSample } from "./scheduling/admission-controller.js";
import type { OpenAiBackend } from "./adapters/openai-backend.js";
import type { PriorityClass } from "./scheduling/priority-class.js";
import type { VllmServerProbe } from "./adapters/vllm-server-probe.js";

export interface PooledBackend {
  readonly id: string; // its URL
  readonly api: OpenAiBackend;
  readonly probe: VllmServerProbe;
  readonly admission: AdmissionController;
  healthy: boolean;
  draining: boolean;
  consecutiveFailures: number;
  lastError: string;
  lastLoad: BackendLoadSample;
  /** Requests it refused with 503/429 (its own admission): requeued, never counted as failures. */
  admissionRejections: number;
  /** The model's context length (max_model_len of /v1/models), when the server reports it. */
  contextTokens: number | undefined;
  /** Load the router compares: the fuller admission budget plus waiting beyond our own prefills. */
  readonly load: number;
}

export interface BackendPoolOptions {
  capacity: BackendCapacity;
  admission: AdmissionOptions;
  probeIntervalMs: number;
  /** Consecutive failed probes or requests that take a replica out. */
  unhealthyAfter: number;
  /** The gateway asks /tokenize (GATEWAY_TOKENIZE): find out once per replica whether it has one. */
  checkTokenize?: boolean;
  connect(url: string): { api: OpenAiBackend; probe: VllmServerProbe };
  onHealthChange?(backend: PooledBackend): void;
}

class Backend implements PooledBackend {
  healthy = false;
  draining = false;
  consecutiveFailures = 0;
  lastError = "";
  lastLoad: BackendLoadSample = { running: 0, waiting: 0, kvCacheUsage: 0 };
  admissionRejections = 0;
  contextTokens: number | undefined;
  contextChecked = false;
  tokenizeChecked = false;
  readonly admission: AdmissionController;
  readonly drained: Promise<void>;
  private resolveDrained!: () => void;

  constructor(
    readonly id: string,
    readonly api: OpenAiBackend,
    readonly probe: VllmServerProbe,
    capacity: BackendCapacity,
    admission: AdmissionOptions,
  ) {
    this.admission = new AdmissionController(capacity, admission);
    this.drained = new Promise((resolve) => (this.resolveDrained = resolve));
  }

  get load(): number {
    return this.admission.load() + this.lastLoad.waiting / this.admission.maxSeqs;
  }

  checkDrained() {
    if (this.draining && this.admission.inFlightSequences === 0) this.resolveDrained();
  }
}

export class BackendPool {
  private readonly backends = new Map<string, Backend>();
  private readonly roomListeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly stopped = new AbortController();

  constructor(private readonly options: BackendPoolOptions) {}

  /**
   * Calls `listener` whenever room may have appeared: a prompt left a backend's prefill, a request
   * finished, a pushback pause ended, or a probe found a backend healthy (and adapted its budgets).
   * Returns the unsubscribe.
   */
  onRoomFreed(listener: () => void): () => void {
    this.roomListeners.add(listener);
    return () => this.roomListeners.delete(listener);
  }

  list(): PooledBackend[] {
    return [...this.backends.values()];
  }

  get(id: string): PooledBackend | undefined {
    return this.backends.get(id);
  }

  /**
   * Healthy, not draining, with room for a prompt of this cost and class (leaving `reservedSeqs` slots free).
   * `cost`: the prefill a request would add to each backend (less on one that holds its prefix).
   */
  withRoomFor(cost: number | ((backend: PooledBackend) => number), priority: PriorityClass, latencySensitive: boolean, reservedSeqs = 0): PooledBackend[] {
    const costOn = typeof cost === "number" ? () => cost : cost;
    return this.list().filter((b) => b.healthy && !b.draining && b.admission.hasRoomFor(costOn(b), priority, latencySensitive, reservedSeqs));
  }

  /** The smallest context length the healthy replicas report (a request may go to any of them). */
  contextTokens(): number | undefined {
    const known = this.list().filter((b) => b.healthy && !b.draining && b.contextTokens !== undefined);
    return known.length === 0 ? undefined : Math.min(...known.map((b) => b.contextTokens!));
  }

  get anyHealthy(): boolean {
    return this.list().some((b) => b.healthy && !b.draining);
  }

  /** Adds a replica; it takes traffic once its first probe succeeds. */
  add(url: string): PooledBackend {
    const existing = this.backends.get(url);
    if (existing) {
      existing.draining = false;
      return existing;
    }
    const { api, probe } = this.options.connect(url);
    const backend = new Backend(url, api, probe, this.options.capacity, this.options.admission);
    this.backends.set(url, backend);
    void this.probe(backend);
    return backend;
  }

  /** Stops sending new requests to it, waits for its in-flight ones, then removes it. */
  async drain(url: string, signal?: AbortSignal): Promise<boolean> {
    const backend = this.backends.get(url);
    if (!backend) return false;
    backend.draining = true;
    backend.checkDrained();
    await (signal ? Promise.race([backend.drained, new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }))]) : backend.drained);
    if (this.backends.get(url) === backend && backend.draining) this.backends.delete(url);
    return true;
  }

  dispatched(backend: PooledBackend, cost: number) {
    backend.admission.dispatched(cost);
  }

  /** Its first token arrived: the prompt left the backend's prefill work. */
  prefilled(backend: PooledBackend, cost: number) {
    backend.admission.prefilled(cost);
    this.roomFreed();
  }

  finished(backend: PooledBackend, cost: number, prefilledAlready: boolean) {
    backend.admission.finished(cost, prefilledAlready);
    (backend as Backend).checkDrained();
    this.roomFreed();
  }

  succeeded(backend: PooledBackend) {
    backend.consecutiveFailures = 0;
  }

  /**
   * It refused a request with 503/429 (vLLM's --max-num-queued-reqs/-tokens): backpressure, not a
   * failure. It stays healthy and in rotation; it gets nothing new until room appears or the
   * backoff passes, when room is announced again. Call after finished() for that request.
   */
  pushedBack(backend: PooledBackend, retryAfterMs?: number): number {
    backend.admissionRejections++;
    const pauseMs = backend.admission.pushedBack(retryAfterMs);
    setTimeout(() => this.roomFreed(), pauseMs + 1).unref();
    return pauseMs;
  }

  /**
   * A request to it failed for a reason of the backend's own (not the caller's). `unreachable`
   * (connection refused or cut) takes it out at once; the probes put it back when it answers.
   */
  failed(backend: PooledBackend, error: string, unreachable = false) {
    backend.lastError = error;
    if (++backend.consecutiveFailures >= this.options.unhealthyAfter || unreachable) this.setHealthy(backend, false);
  }

  start() {
    this.timer = setInterval(() => {
      for (const backend of this.backends.values()) void this.probe(backend);
    }, this.options.probeIntervalMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    this.stopped.abort();
  }

  private async probe(backend: Backend) {
    try {
      const prefilling = backend.admission.prefillingRequests;
      await backend.probe.health(this.stopped.signal);
      // A server without vLLM's gauges (not vLLM) is routed on the gateway's in-flight accounting alone.
      const load = await backend.probe.load(this.stopped.signal);
      if (load) {
        backend.lastLoad = load;
        backend.admission.observe(load, prefilling);
      }
      // Known before the replica takes traffic: prompts beyond it are refused in the gateway.
      if (!backend.contextChecked) await this.learnContext(backend);
      backend.consecutiveFailures = 0;
      this.setHealthy(backend, true);
      this.roomFreed();
      if (this.options.checkTokenize && !backend.tokenizeChecked) void this.checkTokenize(backend);
    } catch (error) {
      if (this.stopped.signal.aborted) return;
      backend.lastError = error instanceof Error ? error.message : String(error);
      // A replica never seen healthy stays out; a healthy one gets `unhealthyAfter` chances.
      if (!backend.healthy || ++backend.consecutiveFailures >= this.options.unhealthyAfter) this.setHealthy(backend, false);
    }
  }

  /**
   * Reads the model's context length once; a server whose model list lacks it is asked no more. A
   * failed read leaves the replica's health to its probes and is tried again at the next one.
   */
  private async learnContext(backend: Backend) {
    try {
      const [model] = await backend.api.models(this.stopped.signal);
      backend.contextTokens = model?.maxModelLen;
      backend.contextChecked = true;
    } catch {
      // the backend's health is the probe's to judge; the context check waits for a later read
    }
  }

  /** Finds out once whether it has /tokenize (for GetStatus; requests ask it either way), apart from its health. */
  private async checkTokenize(backend: Backend) {
    backend.tokenizeChecked = true;
    try {
      const model = await backend.api.model(this.stopped.signal);
      await backend.probe.tokenize({ kind: "text", text: "ping" }, model, this.stopped.signal);
    } catch {
      backend.tokenizeChecked = false; // try again at the next probe
    }
  }

  private roomFreed() {
    for (const listener of this.roomListeners) listener();
  }

  private setHealthy(backend: PooledBackend, healthy: boolean) {
    if (backend.healthy === healthy) return;
    backend.healthy = healthy;
    this.options.onHealthChange?.(backend);
  }
}
