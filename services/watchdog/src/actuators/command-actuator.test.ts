import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createCommandActuator } from "./command-actuator.js";

describe("command actuator", async () => {
  const dir = await mkdtemp(join(tmpdir(), "watchdog-cmd-"));
  after(() => rm(dir, { recursive: true, force: true }));

  it("runs the command through the shell", async () => {
    const marker = join(dir, "stopped");
    await createCommandActuator({ command: `echo stopped-by-watchdog > '${marker}'` }).stop(new AbortController().signal);
    assert.equal((await readFile(marker, "utf8")).trim(), "stopped-by-watchdog");
  });

  it("rejects with the exit code and stderr when the command fails", async () => {
    await assert.rejects(createCommandActuator({ command: "echo 'no such container' >&2; exit 3" }).stop(new AbortController().signal), /exited with 3: no such container/);
  });

  it("gives up on a command that hangs", async () => {
    await assert.rejects(createCommandActuator({ command: "sleep 30", timeoutMs: 200 }).stop(new AbortController().signal));
  });
});
