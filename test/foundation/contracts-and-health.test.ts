// A client built only from proto/ (with @grpc/proto-loader, not the generated code) reaches
// every service; reflection describes them; /metrics counts the calls.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoRoot } from "@reviewlens/contracts";
import { healthFileDescriptorSet } from "@reviewlens/runtime";
import { runToExit, waitFor } from "@reviewlens/testkit";
import { createRequire } from "node:module";
import { GrpcReflection } from "grpc-js-reflection-client";
import { ServerReflectionService } from "nice-grpc-server-reflection";
import type { ServerReflectionRequest as ReflectionRequest, ServerReflectionResponse } from "nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb.js";
import { startStack, type Stack } from "./stack.js";

const loadOptions = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [protoRoot] };
const ours = grpc.loadPackageDefinition(
  protoLoader.loadSync(
    [
      "reviewlens/inference/v1/inference_gateway.proto",
      "reviewlens/vectorsearch/v1/vector_search.proto",
      "reviewlens/sentiment/v1/sentiment.proto",
      "reviewlens/summarization/v1/summarization.proto",
    ].map((f) => join(protoRoot, f)),
    loadOptions,
  ),
);
const healthPackage = grpc.loadPackageDefinition(
  protoLoader.loadFileDescriptorSetFromBuffer(Buffer.from(healthFileDescriptorSet()), loadOptions),
);

/** The client constructor of a service by its full name, e.g. grpc.health.v1.Health. */
function serviceClient(definitions: grpc.GrpcObject, fullName: string): grpc.ServiceClientConstructor {
  let node: grpc.GrpcObject[string] = definitions;
  for (const part of fullName.split(".")) {
    if (typeof node === "function" || !(part in node)) throw new Error(`proto/ defines no ${fullName}`);
    node = (node as grpc.GrpcObject)[part]!;
  }
  if (typeof node !== "function") throw new Error(`${fullName} is not a service`);
  return node;
}

const { ServerReflectionRequest } = createRequire(import.meta.url)("nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb.js") as {
  ServerReflectionRequest: new () => ReflectionRequest;
};

type Unary = (request: object, callback: (error: grpc.ServiceError | null, response: unknown) => void) => void;
const call = <T>(client: grpc.Client, method: string, request: object = {}) =>
  new Promise<T>((resolve, reject) =>
    ((client as unknown as Record<string, Unary>)[method]!).call(client, request, (error, response) => (error ? reject(error) : resolve(response as T))),
  );

const serviceNames = {
  gateway: "reviewlens.inference.v1.InferenceGatewayService",
  vectorSearch: "reviewlens.vectorsearch.v1.VectorSearchService",
  sentiment: "reviewlens.sentiment.v1.SentimentService",
  summarization: "reviewlens.summarization.v1.SummarizationService",
} as const;

describe("the four services", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it("answer grpc.health.v1 Check SERVING, per service and overall, once dependencies are up", async () => {
    for (const [key, fullName] of Object.entries(serviceNames)) {
      const service = stack[key as keyof typeof serviceNames];
      const client = new (serviceClient(healthPackage, "grpc.health.v1.Health"))(service.address, grpc.credentials.createInsecure());
      for (const name of ["", fullName, "liveness"]) {
        const status = await waitFor(async () => {
          const r = await call<{ status: string }>(client, "Check", { service: name });
          return r.status === "SERVING" ? r.status : undefined;
        }, `${key} health "${name}"`);
        assert.equal(status, "SERVING");
      }
      const unknown = await call(client, "Check", { service: "no.such.Service" }).catch((e: grpc.ServiceError) => e);
      assert.equal((unknown as grpc.ServiceError).code, grpc.status.NOT_FOUND);
      client.close();
    }
  });

  it("serve their own contract to a proto-loader client", async () => {
    const gateway = new (serviceClient(ours, serviceNames.gateway))(stack.gateway.address, grpc.credentials.createInsecure());
    const status = await call<{ queues: unknown[] }>(gateway, "GetStatus");
    assert.ok(Array.isArray(status.queues));
    const sentiment = new (serviceClient(ours, serviceNames.sentiment))(stack.sentiment.address, grpc.credentials.createInsecure());
    const bad = await call(sentiment, "AnalyzeRestaurant", { restaurantId: "" }).catch((e: grpc.ServiceError) => e);
    assert.equal((bad as grpc.ServiceError).code, grpc.status.INVALID_ARGUMENT);
    assert.match((bad as grpc.ServiceError).details, /restaurant_id/);
    gateway.close();
    sentiment.close();
  });

  it("list every service through server reflection and describe it", async () => {
    const ReflectionClient = grpc.makeGenericClientConstructor(ServerReflectionService, "ServerReflection");
    for (const [key, fullName] of Object.entries(serviceNames)) {
      const client = new ReflectionClient(stack[key as keyof typeof serviceNames].address, grpc.credentials.createInsecure());
      const stream = (client as unknown as { serverReflectionInfo(): grpc.ClientDuplexStream<ReflectionRequest, ServerReflectionResponse> }).serverReflectionInfo();
      const responses: ServerReflectionResponse[] = [];
      const done = new Promise<void>((resolve, reject) => {
        stream.on("data", (r: ServerReflectionResponse) => responses.push(r));
        stream.on("end", resolve);
        stream.on("error", reject);
      });
      const list = new ServerReflectionRequest();
      list.setListServices("*");
      stream.write(list);
      const describe = new ServerReflectionRequest();
      describe.setFileContainingSymbol(fullName);
      stream.write(describe);
      stream.end();
      await done;
      const names = (responses[0]?.getListServicesResponse() ?? assert.fail(`${key}: no list of services`)).getServiceList().map((s) => s.getName());
      assert.ok(names.includes(fullName), `${key} lists ${fullName}: ${names.join(",")}`);
      assert.ok(names.includes("grpc.health.v1.Health"));
      assert.ok(names.includes("grpc.reflection.v1.ServerReflection"));
      const files = (responses[1]?.getFileDescriptorResponse() ?? assert.fail(`${fullName}: no file descriptors`)).getFileDescriptorProtoList();
      assert.ok(files.length >= 1, `${fullName} is described by at least one file descriptor`);
      client.close();
    }
  });

  it("answer a grpc.reflection.v1alpha client (grpc-js-reflection-client) and a v1 one: every listed service is described", async () => {
    const expectedMethods: Record<string, string[]> = {
      "grpc.health.v1.Health": ["Check", "Watch"],
      "grpc.reflection.v1.ServerReflection": ["ServerReflectionInfo"],
      "grpc.reflection.v1alpha.ServerReflection": ["ServerReflectionInfo"],
    };
    for (const [key, fullName] of Object.entries(serviceNames)) {
      const address = stack[key as keyof typeof serviceNames].address;
      for (const version of ["v1alpha", "v1"]) {
        const client = new GrpcReflection(address, grpc.credentials.createInsecure(), {}, version);
        const listed = await client.listServices();
        assert.deepEqual([...listed].sort(), [fullName, ...Object.keys(expectedMethods)].sort(), `${key} over ${version}`);
        for (const name of listed) {
          const methods = (await client.listMethods(name)).map((m) => m.name);
          assert.ok(methods.length > 0, `${key} over ${version} describes ${name}`);
          for (const m of expectedMethods[name] ?? []) assert.ok(methods.includes(m), `${name} has ${m}: ${methods.join(",")}`);
        }
        const ownMethods = (await client.listMethods(fullName)).map((m) => m.name);
        const contract = serviceClient(ours, fullName).service;
        assert.deepEqual(ownMethods.sort(), Object.keys(contract).sort(), `${fullName}'s methods as in proto/`);
      }
    }
  });

  it("count calls by method and status code on /metrics", async () => {
    const gateway = new (serviceClient(ours, serviceNames.gateway))(stack.gateway.address, grpc.credentials.createInsecure());
    await call(gateway, "GetStatus");
    await call(gateway, "GetStatus");
    gateway.close();
    const text = await waitFor(async () => {
      const body = await (await fetch(`http://127.0.0.1:${stack.gateway.metricsPort}/metrics`)).text();
      return /rpc_server_calls_total\{[^}]*GetStatus[^}]*\} [2-9]/.test(body) ? body : undefined;
    }, "GetStatus counted twice");
    assert.match(text, /rpc_server_duration_seconds_bucket\{[^}]*method="\/reviewlens\.inference\.v1\.InferenceGatewayService\/GetStatus"/);
    assert.match(text, /code="OK"/);
    assert.match(text, /rpc_server_in_flight_calls/);
  });
});

describe("configuration", () => {
  it("refuses to start on a malformed variable and names it", async () => {
    const result = await runToExit("services/sentiment/src/main.ts", { GRPC_PORT: "fifty", METRICS_PORT: "0", DRAIN_TIMEOUT_MS: "-5" });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /GRPC_PORT="fifty" is invalid: expected an integer from 0 to 65535/);
    assert.match(result.stderr, /DRAIN_TIMEOUT_MS="-5" is invalid/);
  });
});
