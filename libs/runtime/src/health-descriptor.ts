// The FileDescriptorProto of grpc.health.v1, built in code so reflection can describe the Health
// service next to ours without a copy of its .proto file in the repository.
import { create, toBinary } from "@bufbuild/protobuf";
import {
  FileDescriptorSetSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
} from "@bufbuild/protobuf/wkt";

const optionalString = (name: string, number: number) => ({
  name,
  number,
  label: FieldDescriptorProto_Label.OPTIONAL,
  type: FieldDescriptorProto_Type.STRING,
  jsonName: name,
});

/** A serialized FileDescriptorSet holding grpc/health/v1/health.proto. */
export function healthFileDescriptorSet(): Uint8Array {
  const set = create(FileDescriptorSetSchema, {
    file: [
      {
        name: "grpc/health/v1/health.proto",
        package: "grpc.health.v1",
        syntax: "proto3",
        messageType: [
          { name: "HealthCheckRequest", field: [optionalString("service", 1)] },
          {
            name: "HealthCheckResponse",
            field: [
              {
                name: "status",
                number: 1,
                label: FieldDescriptorProto_Label.OPTIONAL,
                type: FieldDescriptorProto_Type.ENUM,
                typeName: ".grpc.health.v1.HealthCheckResponse.ServingStatus",
                jsonName: "status",
              },
            ],
            enumType: [
              {
                name: "ServingStatus",
                value: [
                  { name: "UNKNOWN", number: 0 },
                  { name: "SERVING", number: 1 },
                  { name: "NOT_SERVING", number: 2 },
                  { name: "SERVICE_UNKNOWN", number: 3 },
                ],
              },
            ],
          },
        ],
        service: [
          {
            name: "Health",
            method: [
              { name: "Check", inputType: ".grpc.health.v1.HealthCheckRequest", outputType: ".grpc.health.v1.HealthCheckResponse" },
              {
                name: "Watch",
                inputType: ".grpc.health.v1.HealthCheckRequest",
                outputType: ".grpc.health.v1.HealthCheckResponse",
                serverStreaming: true,
              },
            ],
          },
        ],
      },
    ],
  });
  return toBinary(FileDescriptorSetSchema, set);
}
