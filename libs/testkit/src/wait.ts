// Polls a condition until it holds or the time is up (tests never sleep blindly).
// The time-out is a guard against hangs, never a speed assertion: on a machine busy with other work a
// child process alone can take a minute to start, so no wait gives up before HANG_GUARD_MS.
const HANG_GUARD_MS = 120_000;

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = HANG_GUARD_MS, everyMs = 50): Promise<T> {
  timeoutMs = Math.max(timeoutMs, HANG_GUARD_MS);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError instanceof Error ? String(lastError) : JSON.stringify(lastError)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
