// The whole analysis path as real processes for the fault tests, on fixed loopback ports so a
// process can be killed and started again where its clients look for it: vllm-sim replicas on
// their own ports, and every gRPC service on one port with two slots (127.0.0.1 and 127.0.0.2).
// Clients name both slots (`ipv4:127.0.0.1:P,127.0.0.2:P`, round robin), so a rolling restart
// starts the new process in the free slot before the old one gets SIGTERM, and two live slots are
// two replicas of the service.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startServiceProcess, type ServiceProcess } from "@reviewlens/testkit";

export type ServiceName = "gateway" | "vector-search" | "sentiment" | "summarization";
export const SLOTS = ["127.0.0.1", "127.0.0.2"] as const;
export type Slot = 0 | 1;

const ENTRIES: Record<ServiceName, string> = {
  gateway: "services/inference-gateway/src/main.ts",
  "vector-search": "services/vector-search/src/main.ts",
  sentiment: "services/sentiment/src/main.ts",
  summarization: "services/summarization/src/main.ts",
};

export interface FaultStackOptions {
  /** vllm-sim replicas behind the gateway (default 1). */
  sims?: number;
  simArgs?: string[];
  /** Every gRPC service's environment. */
  env?: Record<string, string>;
  /** One service's own environment on top. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Services to start in both slots at once (two replicas from the start). */
  twoReplicas?: ServiceName[];
}

export interface SimReplica {
  readonly port: number;
  readonly url: string;
  process: ServiceProcess;
}

// Generous start-up time: the machine is shared and loading TypeScript and the tokenizer takes seconds.
const START_TIMEOUT_MS = 180_000;

export class FaultStack {
  readonly sims: SimReplica[] = [];
  private readonly ports = new Map<ServiceName, number>();
  private readonly running = new Map<string, ServiceProcess>();
  private constructor(
    private readonly options: FaultStackOptions,
    readonly dataDir: string,
  ) {}

  static async start(options: FaultStackOptions = {}): Promise<FaultStack> {
    const stack = new FaultStack(options, await mkdtemp(join(tmpdir(), "reviewlens-faults-")));
    try {
      for (const name of Object.keys(ENTRIES) as ServiceName[]) stack.ports.set(name, await freePort());
      const simPorts = await Promise.all(Array.from({ length: options.sims ?? 1 }, () => freePort()));
      await Promise.all(simPorts.map((port, i) => stack.startSim(i, port)));
      const both = (name: ServiceName) => (options.twoReplicas?.includes(name) ? [0, 1] : [0]) as Slot[];
      // Each service waits for its dependencies to be ready, so start them in order.
      for (const group of [["gateway"], ["vector-search"], ["sentiment", "summarization"]] as ServiceName[][]) {
        await Promise.all(group.flatMap((name) => both(name).map((slot) => stack.startService(name, slot))));
      }
      return stack;
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  /** Where clients reach the service: both slots, round robin. */
  address(name: ServiceName): string {
    const port = this.ports.get(name)!;
    return `ipv4:${SLOTS.map((host) => `${host}:${port}`).join(",")}`;
  }

  /** One slot only (a client of that replica). */
  slotAddress(name: ServiceName, slot: Slot): string {
    return `${SLOTS[slot]}:${this.ports.get(name)}`;
  }

  process(name: ServiceName, slot: Slot): ServiceProcess | undefined {
    return this.running.get(`${name}/${slot}`);
  }

  /** The slot a service runs in (the first, if both). */
  slotOf(name: ServiceName): Slot | undefined {
    return ([0, 1] as Slot[]).find((slot) => this.process(name, slot));
  }

  env(name: ServiceName): Record<string, string> {
    const peers: Record<ServiceName, Record<string, string>> = {
      gateway: { GATEWAY_BACKEND_URLS: this.sims.map((s) => s.url).join(","), GATEWAY_HTTP_PORT: "0" },
      "vector-search": { GATEWAY_ADDR: this.address("gateway"), VECTOR_SEARCH_QUERY_EXPANSION: "false" },
      sentiment: { GATEWAY_ADDR: this.address("gateway"), VECTOR_SEARCH_ADDR: this.address("vector-search") },
      summarization: { GATEWAY_ADDR: this.address("gateway"), VECTOR_SEARCH_ADDR: this.address("vector-search") },
    };
    return { DATA_DIR: this.dataDir, READINESS_INTERVAL_MS: "200", ...peers[name], ...this.options.env, ...this.options.serviceEnv?.[name] };
  }

  async startService(name: ServiceName, slot: Slot, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    if (this.process(name, slot)) throw new Error(`${name} already runs in slot ${slot}`);
    const process = await startServiceProcess({
      entry: ENTRIES[name],
      env: { ...this.env(name), HOST: SLOTS[slot], GRPC_PORT: String(this.ports.get(name)), ...extraEnv },
      timeoutMs: START_TIMEOUT_MS,
    });
    this.running.set(`${name}/${slot}`, process);
    void process.exited.then(() => {
      if (this.running.get(`${name}/${slot}`) === process) this.running.delete(`${name}/${slot}`);
    });
    return process;
  }

  /** Stops the process in the slot (SIGTERM drains; SIGKILL is a crash); resolves with its exit code. */
  async stopService(name: ServiceName, slot: Slot, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    const process = this.process(name, slot);
    if (!process) throw new Error(`${name} does not run in slot ${slot}`);
    return process.stop(signal);
  }

  /** Starts (or starts again) simulator replica i on its port. */
  async startSim(i: number, port = this.sims[i]?.port ?? 0): Promise<SimReplica> {
    const process = await startServiceProcess({
      entry: "services/vllm-sim/src/main.ts",
      args: ["--port", String(port), "--host", "127.0.0.1", ...(this.options.simArgs ?? [])],
      readyWhen: (line) => typeof line["port"] === "number",
      timeoutMs: START_TIMEOUT_MS,
    });
    const replica = { port, url: `http://127.0.0.1:${port}`, process };
    this.sims[i] = replica;
    return replica;
  }

  async stop(): Promise<void> {
    const order: ServiceName[][] = [["sentiment", "summarization"], ["vector-search"], ["gateway"]];
    for (const group of order) {
      await Promise.all(group.flatMap((name) => ([0, 1] as Slot[]).map(async (slot) => void (await this.process(name, slot)?.stop()))));
    }
    await Promise.all(this.sims.map((s) => s.process.stop()));
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
