// The experiments and the autoscaling benchmark as `bench <name>` subcommands.
import type { Command } from "commander";

export function experimentCommands(_out: (s: string) => void): Command[] {
  return [];
}
