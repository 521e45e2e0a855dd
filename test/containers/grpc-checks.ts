// What every service must answer on its port, asked from outside its container.
import * as grpc from "@grpc/grpc-js";
import { createChannel, createClient } from "nice-grpc";
import { HealthDefinition } from "nice-grpc-server-health";
import { HealthCheckResponse_ServingStatus } from "nice-grpc-server-health/lib/proto/grpc/health/v1/health.js";
import { ServerReflectionService } from "nice-grpc-server-reflection";
import type { ServerReflectionRequest as ReflectionRequest, ServerReflectionResponse } from "nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb.js";
import { createRequire } from "node:module";

export const { SERVING } = HealthCheckResponse_ServingStatus;

export async function healthStatus(address: string, service = ""): Promise<HealthCheckResponse_ServingStatus> {
  const channel = createChannel(address);
  try {
    return (await createClient(HealthDefinition, channel).check({ service }, { signal: AbortSignal.timeout(3_000) })).status;
  } finally {
    channel.close();
  }
}

export const isServing = async (address: string) => (await healthStatus(address)) === SERVING;

const { ServerReflectionRequest } = createRequire(import.meta.url)("nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb.js") as {
  ServerReflectionRequest: new () => ReflectionRequest;
};

/** The service names that server reflection lists at `address`. */
export async function reflectedServices(address: string): Promise<string[]> {
  const Client = grpc.makeGenericClientConstructor(ServerReflectionService, "ServerReflection");
  const client = new Client(address, grpc.credentials.createInsecure());
  try {
    const stream = (client as unknown as { serverReflectionInfo(): grpc.ClientDuplexStream<ReflectionRequest, ServerReflectionResponse> }).serverReflectionInfo();
    const names = new Promise<string[]>((resolve, reject) => {
      stream.once("data", (r: ServerReflectionResponse) => {
        const listed = r.getListServicesResponse();
        if (listed) resolve(listed.getServiceList().map((s) => s.getName()));
        else reject(new Error(`${address}: the reflection answer lists no services`));
      });
      stream.once("error", reject);
    });
    const list = new ServerReflectionRequest();
    list.setListServices("*");
    stream.write(list);
    stream.end();
    return await names;
  } finally {
    client.close();
  }
}
