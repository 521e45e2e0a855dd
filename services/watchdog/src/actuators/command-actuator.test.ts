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

  it("starts with the start command, and refuses to start without one", async () => {
    const marker = join(dir, "started");
    await createCommandActuator({ command: "true", startCommand: `echo started-by-watchdog > '${marker}'` }).start(new AbortController().signal);
    assert.equal((await readFile(marker, "utf8")).trim(), "started-by-watchdog");
    await assert.rejects(createCommandActuator({ command: "true", startCommand: "exit 4" }).start(new AbortController().signal), /start command exited with 4/);
    await assert.rejects(createCommandActuator({ command: "true" }).start(new AbortController().signal), /no start command configured \(WATCHDOG_START_COMMAND\)/);
  });

  it("gives up on a command that hangs", async () => {
    await assert.rejects(createCommandActuator({ command: "sleep 30", timeoutMs: 200 }).stop(new AbortController().signal));
  });
});
