// `reviewlens bench ...` / `node --import tsx tools/bench/src/main.ts ...`: argument parsing as a
// function so the CLI can mount it. Returns the exit code: 0 ok, 1 run failed, 2 bad arguments.
import { Command, CommanderError } from "commander";
import { serveCommand, runServe, type ServeOptions } from "./serve-command.js";
import { UsageError } from "./usage-error.js";
import { experimentCommands } from "./experiments/experiment-commands.js";
import { calibrateCommand } from "./calibration/calibrate-command.js";

export async function runBenchCommand(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  let code = 0;
  const program = new Command("bench")
    .description("load generator, experiments and the autoscaling benchmark")
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError();
  program.addCommand(
    serveCommand()
      .exitOverride()
      .action(async (o: ServeOptions) => {
        const result = await runServe(o, out);
        code = result.completed > 0 ? 0 : 1;
      }),
  );
  for (const command of [...experimentCommands(out), calibrateCommand(out)]) program.addCommand(command.exitOverride());
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
