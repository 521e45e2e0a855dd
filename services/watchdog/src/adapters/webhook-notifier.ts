// Tells people before a stop or a wake: a JSON POST to a webhook (Slack-compatible "text" plus the details).

export interface StopNotice {
  target: string;
  reason: string;
  idleCount: number;
  idleLimit: number;
  thresholdPercent: number;
  dryRun: boolean;
  at: string;
}

export interface WakeNotice {
  target: string;
  reason: string;
  heldForWake: number;
  dryRun: boolean;
  at: string;
}

export interface Notifier {
  notifyStop(notice: StopNotice, signal: AbortSignal): Promise<void>;
  notifyWake(notice: WakeNotice, signal: AbortSignal): Promise<void>;
}

export function createWebhookNotifier(url: string, timeoutMs = 10_000): Notifier {
  const post = async (event: string, text: string, notice: object, signal: AbortSignal) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event, text, ...notice }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  };
  return {
    notifyStop: (notice, signal) => post("watchdog.stop", `${notice.dryRun ? "[dry run] would stop" : "stopping"} ${notice.target}: ${notice.reason}`, notice, signal),
    notifyWake: (notice, signal) => post("watchdog.wake", `${notice.dryRun ? "[dry run] would start" : "starting"} ${notice.target}: ${notice.reason}`, notice, signal),
  };
}
