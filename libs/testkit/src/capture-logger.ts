// A pino logger whose lines the test can read back.
import { pino, type Logger } from "pino";

export function captureLogger(service = "metrics-store-test"): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ base: { service }, level: "debug" }, {
    write(line: string) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  return { logger, lines };
}
