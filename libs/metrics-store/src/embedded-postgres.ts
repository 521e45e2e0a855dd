// The embedded default: PGlite (PostgreSQL compiled to WASM) on disk, served over the PostgreSQL
// wire protocol on a loopback port by pglite-socket, so the store talks to it through `pg` exactly
// as it talks to a real PostgreSQL. One process per data directory: PGlite is single-process, so a
// lock file refuses a second opener with a message instead of corrupting the files.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  /** postgres://... on 127.0.0.1 and the server's port. */
  readonly url: string;
  close(): Promise<void>;
}

const LOCK_FILE = "reviewlens-owner.pid";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const openHere = new Set<string>();

async function takeDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const lock = join(dir, LOCK_FILE);
  const owner = Number(await readFile(lock, "utf8").catch(() => "0"));
  if ((owner > 0 && owner !== process.pid && alive(owner)) || openHere.has(resolve(dir))) {
    throw new Error(
      `embedded metrics database ${dir} is in use by process ${owner}; PGlite serves one process: ` +
        `give each process its own DATA_DIR or set DATABASE_URL to a PostgreSQL server`,
    );
  }
  await writeFile(lock, String(process.pid));
  openHere.add(resolve(dir));
}

export async function startEmbeddedPostgres(dir: string): Promise<EmbeddedPostgres> {
  await takeDirectory(dir);
  let db: PGlite;
  try {
    db = await PGlite.create(dir);
  } catch (err) {
    openHere.delete(resolve(dir));
    throw err;
  }
  // pglite-socket multiplexes client connections onto the one PGlite session; the pool on top is
  // limited to one connection (see metrics-store.ts) so transactions never interleave.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0 });
  await server.start();
  const address = server.getServerConn();
  const port = Number(address.slice(address.lastIndexOf(":") + 1));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async close() {
      await server.stop();
      await db.close();
      await rm(join(dir, LOCK_FILE), { force: true });
      openHere.delete(resolve(dir));
    },
  };
}
