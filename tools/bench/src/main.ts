// Entry of the bench tool: `node --import tsx tools/bench/src/main.ts serve|experiment|autoscale|index ...`.
import { runBenchCommand } from "./bench-command.js";

process.exitCode = await runBenchCommand(process.argv.slice(2));
