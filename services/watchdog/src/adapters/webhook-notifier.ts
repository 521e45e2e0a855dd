// Tells people before a stop: a JSON POST to a webhook (Slack-compatible "text" plus the details).

export interface StopNotice {
  target: string;
  reason: string;
  idleCount: number;
  idleLimit: number;
  thresholdPercent: number;
  dryRun: boolean;
  at: string;
}

export interface Notifier {
  notifyStop(notice: StopNotice, signal: AbortSignal): Promise<void>;
}

export function createWebhookNotifier(url: string, timeoutMs = 10_000): Notifier {
  return {
    async notifyStop(notice, signal) {
      const text = `${notice.dryRun ? "[dry run] would stop" : "stopping"} ${notice.target}: ${notice.reason}`;
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ event: "watchdog.stop", text, ...notice }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    },
  };
}
