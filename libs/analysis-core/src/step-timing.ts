// Runs one pipeline step inside its own OpenTelemetry span and measures it.
import { SpanStatusCode, trace } from "@opentelemetry/api";
import type { common } from "@reviewlens/contracts";

const tracer = trace.getTracer("reviewlens.analysis");

export interface StepOutput<T> {
  value: T;
  itemsOut: number;
}

export async function timedStep<T>(
  steps: common.StepTiming[],
  name: string,
  itemsIn: number,
  run: () => Promise<StepOutput<T>> | StepOutput<T>,
): Promise<T> {
  return tracer.startActiveSpan(`step ${name}`, async (span) => {
    const started = performance.now();
    span.setAttribute("reviewlens.step.items_in", itemsIn);
    try {
      const { value, itemsOut } = await run();
      span.setAttribute("reviewlens.step.items_out", itemsOut);
      steps.push({ step: name, ms: performance.now() - started, itemsIn, itemsOut });
      return value;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
