// The three-path parts of bench-gateway (direct, Portkey, ours), for its composition script.
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { PromptTokenizer } from "@reviewlens/tokenizer";
import { affinityPart } from "./affinity-part.js";
import { batchDropPart } from "./batch-drop-part.js";
import { overheadPart } from "./overhead-part.js";
import { overloadPart } from "./overload-part.js";
import { ensurePortkey, type PortkeyInstall } from "./portkey-install.js";
import type { PeerContext } from "./peer-context.js";

export { gatewayBenchReport } from "./gateway-report.js";
export { resetPrefixCaches } from "./peer-stack.js";

export interface PeerPartsOptions {
  repoRoot: string;
  timeScale: number;
  quick: boolean;
  seed: number;
  tokenizer: PromptTokenizer;
  log: (s: string) => void;
}

export const machineLoad = () => execFileSync("uptime", { encoding: "utf8" }).trim();

/** Each part once Portkey is installed (on first use, into the repository's .tools/, cached). */
export function createPeerParts(o: PeerPartsOptions) {
  let install: PortkeyInstall | undefined;
  const context = async (): Promise<PeerContext> => {
    install ??= await ensurePortkey(resolve(o.repoRoot, ".tools"), { log: o.log });
    return { timeScale: o.timeScale, quick: o.quick, portkey: install, tokenizer: o.tokenizer, seed: o.seed, log: o.log };
  };
  return {
    overhead: async () => overheadPart(await context()),
    batchDrop: async () => batchDropPart(await context()),
    overload: async () => overloadPart(await context()),
    affinity: async () => affinityPart(await context()),
    /** What ran as the peer, for the report. */
    portkey: () => (install ? { version: install.version, honoNodeServer: install.honoNodeServer, node: process.version } : undefined),
  };
}
