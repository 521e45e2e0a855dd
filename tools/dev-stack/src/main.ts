// `make up`: the whole stack on the embedded default, one process per component; Ctrl-C stops it.
import { stackComponents } from "./components.js";
import { humanLine, startDevStack } from "./dev-stack.js";

const components = stackComponents();
const width = Math.max(...components.map((c) => c.name.length));
const stack = startDevStack(components, (name, line) => {
  process.stdout.write(`[${name.padEnd(width)}] ${humanLine(line)}\n`);
});

process.stdout.write(
  [
    "reviewlens: starting the stack on the embedded default (single process per service)",
    ...components.map((c) => {
      const ports = [c.grpcPort && `gRPC 127.0.0.1:${c.grpcPort}`, c.httpPort && `HTTP http://127.0.0.1:${c.httpPort}`, c.metricsPort && `metrics http://127.0.0.1:${c.metricsPort}/metrics`];
      return `  ${c.name.padEnd(width)}  ${ports.filter(Boolean).join(", ")}`;
    }),
    "Press Ctrl-C to stop.",
    "",
  ].join("\n"),
);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\nreviewlens: ${signal}, stopping every component...\n`);
  void stack.stop().then(() => {
    process.stdout.write("reviewlens: stopped\n");
    process.exit(0);
  });
};
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));

const exited = await stack.firstExit;
if (!stopping) {
  process.stderr.write(`reviewlens: ${exited.component.name} exited with ${await exited.exited}; stopping the rest\n`);
  stopping = true;
  await stack.stop();
  process.exit(1);
}
