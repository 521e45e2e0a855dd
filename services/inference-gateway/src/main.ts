// Composition root of the inference gateway.
import { inference } from "@reviewlens/contracts";
import { runService, StatusError, Status } from "@reviewlens/runtime";

const notYet = (what: string) => new StatusError(Status.UNIMPLEMENTED, `${what} is not implemented yet`);

await runService({
  name: "inference-gateway",
  defaults: { grpcPort: 50051, metricsPort: 9461 },
  schema: {},
  async build() {
    const implementation: inference.InferenceGatewayServiceImplementation = {
      async *generate() {
        throw notYet("Generate");
      },
      async complete() {
        throw notYet("Complete");
      },
      async embed() {
        throw notYet("Embed");
      },
      async getStatus() {
        return inference.GetStatusResponse.fromPartial({});
      },
    };
    return { services: [{ definition: inference.InferenceGatewayServiceDefinition, implementation }] };
  },
});
