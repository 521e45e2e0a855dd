// Installs the Portkey AI Gateway for the benchmarks, pinned, into a cache directory outside the
// project's dependencies (never in the image): `npm install` of a tiny package.json of its own.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

export const PORTKEY_VERSION = "1.15.2";
/**
 * Portkey asks for `@hono/node-server` ^1.3.3, which resolves to 1.19.x today, whose lightweight
 * Response keeps a fetched Response's immutable Headers: every stream through Portkey then fails with
 * `TypeError: immutable` (Node 20 and 22 alike; fixed in @hono/node-server 2.x, outside Portkey's
 * range). 1.13.5 is the version Portkey's own repository builds with (it carries a patch for it).
 */
export const HONO_NODE_SERVER_PIN = "1.13.5";

export interface PortkeyInstall {
  dir: string;
  /** The server's entry (`build/start-server.js`). */
  entry: string;
  version: string;
  honoNodeServer: string;
}

const installedVersion = (dir: string, pkg: string) => {
  const file = join(dir, "node_modules", pkg, "package.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version : undefined;
};

/** The manifest the cache directory installs from (pure, so the pins are testable). */
export function portkeyManifest(pinHono: boolean): Record<string, unknown> {
  return {
    name: "reviewlens-bench-portkey",
    private: true,
    dependencies: { "@portkey-ai/gateway": PORTKEY_VERSION },
    ...(pinHono ? { overrides: { "@hono/node-server": HONO_NODE_SERVER_PIN } } : {}),
  };
}

/**
 * Installs once per cache directory (a later run reuses it). `pinHono: false` installs what npm
 * resolves by itself, to reproduce the streaming failure.
 */
export async function ensurePortkey(cacheRoot: string, o: { pinHono?: boolean; log?: (s: string) => void } = {}): Promise<PortkeyInstall> {
  const pinHono = o.pinHono ?? true;
  const dir = resolve(cacheRoot, `portkey-gateway-${PORTKEY_VERSION}${pinHono ? "" : "-unpinned"}`);
  const wanted = pinHono ? HONO_NODE_SERVER_PIN : undefined;
  const ready = () => installedVersion(dir, "@portkey-ai/gateway") === PORTKEY_VERSION && (wanted === undefined ? installedVersion(dir, "@hono/node-server") !== undefined : installedVersion(dir, "@hono/node-server") === wanted);
  if (!ready()) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), `${JSON.stringify(portkeyManifest(pinHono), null, 2)}\n`);
    o.log?.(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir} ...`);
    // --ignore-scripts: its postinstall (patch-package) needs the repository's patches/, not shipped.
    await promisify(execFile)("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", "--prefix", dir], { cwd: dir, timeout: 300_000 });
    if (!ready()) throw new Error(`npm did not install @portkey-ai/gateway@${PORTKEY_VERSION} into ${dir}`);
  }
  return { dir, entry: join(dir, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js"), version: PORTKEY_VERSION, honoNodeServer: installedVersion(dir, "@hono/node-server")! };
}
