// A GrpcServer of the runtime in the test's own process, listening on a loopback port, serving a
// minimal InferenceGatewayService that counts the calls that reached it.
import type { ServerCredentials } from "@grpc/grpc-js";
import { metrics } from "@opentelemetry/api";
import { inference } from "@reviewlens/contracts";
import { createLogger, GrpcServer, type ApiKeyCheck } from "../src/index.js";

export interface InProcessServer {
  server: GrpcServer;
  address: string;
  /** Calls that reached the service's handlers. */
  readonly handled: number;
}

export async function startInProcessServer(options: { apiKey?: string | ApiKeyCheck; credentials?: ServerCredentials } = {}): Promise<InProcessServer> {
  let handled = 0;
  const implementation: inference.InferenceGatewayServiceImplementation = {
    async *generate() {
      handled++;
      yield { textDelta: "streamed", finishReason: "stop" };
    },
    async complete() {
      handled++;
      return inference.CompleteResponse.fromPartial({ text: "done", finishReason: "stop" });
    },
    async *completeShared() {
      handled++;
      yield { variant: 0, outcome: { $case: "response", value: inference.CompleteResponse.fromPartial({ text: "done", finishReason: "stop" }) } };
    },
    async embed() {
      handled++;
      return inference.EmbedResponse.fromPartial({});
    },
    async getStatus() {
      handled++;
      return inference.GetStatusResponse.fromPartial({ requestsCompleted: 7 });
    },
  };
  const server = new GrpcServer({
    logger: createLogger("in-process-test-server", "silent"),
    meter: metrics.getMeter("in-process-test-server"),
    services: [{ definition: inference.InferenceGatewayServiceDefinition, implementation }],
    apiKey: options.apiKey,
  });
  const port = await server.listen("127.0.0.1", 0, options.credentials);
  server.setReady(true);
  return {
    server,
    address: `127.0.0.1:${port}`,
    get handled() {
      return handled;
    },
  };
}
