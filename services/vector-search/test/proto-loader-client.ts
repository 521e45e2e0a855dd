// A client built the way a non-TypeScript-generated consumer would: proto files loaded at run time.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoRoot } from "@reviewlens/contracts";

export interface WireUploadResponse {
  received: number;
  upserted: number;
  rejected: number;
  unchanged: number;
  batches: number;
  restaurants_updated: number;
  errors: Array<{ review_id: string; index: number; field: string; message: string }>;
}

type UploadStub = grpc.Client & {
  uploadReviews(callback: (error: grpc.ServiceError | null, response?: WireUploadResponse) => void): grpc.ClientWritableStream<unknown>;
};

export async function uploadWithProtoLoader(address: string, messages: unknown[]): Promise<WireUploadResponse> {
  const definition = await protoLoader.load("reviewlens/vectorsearch/v1/vector_search.proto", { includeDirs: [protoRoot], keepCase: true, defaults: true, longs: Number });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    reviewlens: { vectorsearch: { v1: { VectorSearchService: new (address: string, credentials: grpc.ChannelCredentials) => UploadStub } } };
  };
  const stub = new loaded.reviewlens.vectorsearch.v1.VectorSearchService(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<WireUploadResponse>((resolve, reject) => {
      const call = stub.uploadReviews((error, response) => (error ? reject(error) : resolve(response!)));
      for (const message of messages) call.write(message);
      call.end();
    });
  } finally {
    stub.close();
  }
}
