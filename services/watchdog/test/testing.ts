// The watchdog's test doubles for other packages (the watchdog benchmark in tools/bench): a fake
// nvidia-smi and the loopback stack it watches, as @reviewlens/watchdog/testing.
export { createFakeNvidiaSmi, type FakeNvidiaSmi, type GpuTrace } from "./fake-nvidia-smi.js";
export { startLoad, startStack, type Load, type Stack } from "./loopback-stack.js";
