// The FileDescriptorProtos of grpc.reflection.v1 and v1alpha (the same messages under two package
// names), built in code like health-descriptor.ts, so reflection can describe itself too.
import { create, toBinary } from "@bufbuild/protobuf";
import {
  FileDescriptorSetSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  type FieldDescriptorProto,
} from "@bufbuild/protobuf/wkt";

const { OPTIONAL, REPEATED } = FieldDescriptorProto_Label;
const { STRING, INT32, BYTES, MESSAGE } = FieldDescriptorProto_Type;

type Field = Partial<Pick<FieldDescriptorProto, "typeName" | "oneofIndex">> & { name: string; number: number };

function fields(pkg: string, list: Array<[Field, FieldDescriptorProto_Type, FieldDescriptorProto_Label?]>) {
  return list.map(([f, type, label]) => ({
    ...f,
    type,
    label: label ?? OPTIONAL,
    jsonName: f.name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
    ...(f.typeName ? { typeName: `.${pkg}.${f.typeName}` } : {}),
  }));
}

function reflectionFile(version: "v1" | "v1alpha") {
  const pkg = `grpc.reflection.${version}`;
  const inOneof = { oneofIndex: 0 };
  return {
    name: `grpc/reflection/${version}/reflection.proto`,
    package: pkg,
    syntax: "proto3",
    messageType: [
      {
        name: "ServerReflectionRequest",
        oneofDecl: [{ name: "message_request" }],
        field: fields(pkg, [
          [{ name: "host", number: 1 }, STRING],
          [{ name: "file_by_filename", number: 3, ...inOneof }, STRING],
          [{ name: "file_containing_symbol", number: 4, ...inOneof }, STRING],
          [{ name: "file_containing_extension", number: 5, typeName: "ExtensionRequest", ...inOneof }, MESSAGE],
          [{ name: "all_extension_numbers_of_type", number: 6, ...inOneof }, STRING],
          [{ name: "list_services", number: 7, ...inOneof }, STRING],
        ]),
      },
      {
        name: "ExtensionRequest",
        field: fields(pkg, [
          [{ name: "containing_type", number: 1 }, STRING],
          [{ name: "extension_number", number: 2 }, INT32],
        ]),
      },
      {
        name: "ServerReflectionResponse",
        oneofDecl: [{ name: "message_response" }],
        field: fields(pkg, [
          [{ name: "valid_host", number: 1 }, STRING],
          [{ name: "original_request", number: 2, typeName: "ServerReflectionRequest" }, MESSAGE],
          [{ name: "file_descriptor_response", number: 4, typeName: "FileDescriptorResponse", ...inOneof }, MESSAGE],
          [{ name: "all_extension_numbers_response", number: 5, typeName: "ExtensionNumberResponse", ...inOneof }, MESSAGE],
          [{ name: "list_services_response", number: 6, typeName: "ListServiceResponse", ...inOneof }, MESSAGE],
          [{ name: "error_response", number: 7, typeName: "ErrorResponse", ...inOneof }, MESSAGE],
        ]),
      },
      { name: "FileDescriptorResponse", field: fields(pkg, [[{ name: "file_descriptor_proto", number: 1 }, BYTES, REPEATED]]) },
      {
        name: "ExtensionNumberResponse",
        field: fields(pkg, [
          [{ name: "base_type_name", number: 1 }, STRING],
          [{ name: "extension_number", number: 2 }, INT32, REPEATED],
        ]),
      },
      { name: "ListServiceResponse", field: fields(pkg, [[{ name: "service", number: 1, typeName: "ServiceResponse" }, MESSAGE, REPEATED]]) },
      { name: "ServiceResponse", field: fields(pkg, [[{ name: "name", number: 1 }, STRING]]) },
      {
        name: "ErrorResponse",
        field: fields(pkg, [
          [{ name: "error_code", number: 1 }, INT32],
          [{ name: "error_message", number: 2 }, STRING],
        ]),
      },
    ],
    service: [
      {
        name: "ServerReflection",
        method: [
          {
            name: "ServerReflectionInfo",
            inputType: `.${pkg}.ServerReflectionRequest`,
            outputType: `.${pkg}.ServerReflectionResponse`,
            clientStreaming: true,
            serverStreaming: true,
          },
        ],
      },
    ],
  };
}

/** A serialized FileDescriptorSet holding grpc/reflection/v1 and v1alpha reflection.proto. */
export function reflectionFileDescriptorSet(): Uint8Array {
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: [reflectionFile("v1"), reflectionFile("v1alpha")] }));
}
