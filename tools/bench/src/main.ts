// Entry of the bench tool: `node --import tsx tools/bench/src/main.ts <command> ...` (serve, batching, sjf, tpot,
// topk, autoscale, index; `--help` lists them).
import { runBenchCommand } from "./bench-command.js";

process.exitCode = await runBenchCommand(process.argv.slice(2));
