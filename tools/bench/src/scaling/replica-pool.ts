// The replicas the scaler owns, with Kubernetes-like lifecycle: a new replica is "starting" (it
// costs GPU time) until its cold start is over, then joins the gateway's pool; on scale-in starting
// replicas go first, then the newest ready ones, each drained by the gateway before it is stopped
// so no request is lost.
import type { BackendPool } from "./gateway-admin.js";

export interface ReplicaHandle {
  url: string;
  stop(): Promise<void>;
}

export type ReplicaState = "starting" | "ready" | "draining" | "stopped";

export interface Replica {
  id: number;
  state: ReplicaState;
  url?: string;
  startedAt: number;
  readyAt?: number;
  stoppedAt?: number;
  /** Taken over already running (the warm pool), not started by the scaler. */
  adopted?: boolean;
}

export interface ReplicaPoolOptions {
  launch: () => Promise<ReplicaHandle>;
  pool: BackendPool;
  /** Virtual seconds since the run started. */
  now: () => number;
  /** Waits a virtual duration (the launcher maps it to wall time). */
  sleep: (virtualSeconds: number) => Promise<void>;
  coldStartS: number;
  onEvent?: (event: { t: number; replica: number; event: string; url?: string | undefined; error?: string }) => void;
}

export class ReplicaPool {
  private readonly replicas: Replica[] = [];
  private readonly handles = new Map<number, ReplicaHandle>();
  private readonly work = new Set<Promise<void>>();
  private nextId = 1;

  constructor(private readonly options: ReplicaPoolOptions) {}

  /** Replicas that count for the HPA: starting or ready (not draining, not stopped). */
  get current(): number {
    return this.active().length;
  }

  list(): readonly Replica[] {
    return this.replicas;
  }

  handleOf(id: number): ReplicaHandle | undefined {
    return this.handles.get(id);
  }

  private active() {
    return this.replicas.filter((r) => r.state === "starting" || r.state === "ready");
  }

  /** Starts replicas that are ready at once (the warm pool a run begins with). */
  async addWarm(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => this.start(0)));
  }

  /** Takes over running replicas the gateway already has in its pool (its GATEWAY_BACKEND_URLS). */
  adopt(handles: readonly ReplicaHandle[]): void {
    for (const handle of handles) {
      const r: Replica = { id: this.nextId++, state: "ready", url: handle.url, startedAt: this.options.now(), readyAt: this.options.now(), adopted: true };
      this.replicas.push(r);
      this.handles.set(r.id, handle);
      this.emit(r, "adopted");
    }
  }

  scaleTo(desired: number): void {
    const active = this.active();
    for (let i = active.length; i < desired; i++) this.track(this.start(this.options.coldStartS));
    if (desired < active.length) {
      const victims = [...active].sort((a, b) => (a.state === b.state ? b.startedAt - a.startedAt || b.id - a.id : a.state === "starting" ? -1 : 1)).slice(0, active.length - desired);
      for (const r of victims) this.track(this.remove(r));
    }
  }

  private track(p: Promise<void>) {
    this.work.add(p);
    void p.finally(() => this.work.delete(p));
  }

  private emit(r: Replica, event: string, error?: unknown) {
    this.options.onEvent?.({ t: this.options.now(), replica: r.id, event, url: r.url, ...(error ? { error: error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error) } : {}) });
  }

  private async start(coldStartS: number): Promise<void> {
    const r: Replica = { id: this.nextId++, state: "starting", startedAt: this.options.now() };
    this.replicas.push(r);
    this.emit(r, "starting");
    try {
      const [handle] = await Promise.all([this.options.launch(), this.options.sleep(coldStartS)]);
      this.handles.set(r.id, handle);
      r.url = handle.url;
      // Scaled in while it was still loading: it never joined the pool.
      if (r.state !== "starting") return await this.stopReplica(r);
      await this.options.pool.add(handle.url);
      r.state = "ready";
      r.readyAt = this.options.now();
      this.emit(r, "ready");
    } catch (error) {
      this.emit(r, "failed", error);
      r.state = "stopped";
      r.stoppedAt = this.options.now();
    }
  }

  private async remove(r: Replica): Promise<void> {
    if (r.state === "starting") {
      // The start() in flight stops it when its launch returns.
      r.state = "draining";
      this.emit(r, "cancelled");
      return;
    }
    r.state = "draining";
    this.emit(r, "draining");
    try {
      await this.options.pool.drain(r.url!);
    } catch (error) {
      this.emit(r, "drain-failed", error);
    }
    await this.stopReplica(r);
  }

  private async stopReplica(r: Replica): Promise<void> {
    await this.handles.get(r.id)?.stop();
    r.state = "stopped";
    r.stoppedAt = this.options.now();
    this.emit(r, "stopped");
  }

  /** GPU cost: seconds each replica existed (loading included) up to `until`. */
  replicaSeconds(until: number): number {
    return this.replicas.reduce((a, r) => a + Math.max(0, (r.stoppedAt ?? until) - r.startedAt), 0);
  }

  /** Waits for scale actions in flight. */
  async settle(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
  }

  async stopAll(): Promise<void> {
    await this.settle();
    await Promise.all(this.replicas.filter((r) => r.state !== "stopped").map((r) => this.stopReplica(r)));
  }
}
