// The four services as real processes on free loopback ports, wired to each other, with a
// simulator behind the gateway (the gateway is ready only once a backend is healthy).
import { startAnalysisStack, type AnalysisStack } from "@reviewlens/testkit";

export type Stack = AnalysisStack;

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  return startAnalysisStack({ env, simArgs: ["--time-scale", "0.01"] });
}
