// The slice of the inference gateway's contract the analyses use (a nice-grpc client satisfies it).
import type { inference } from "@reviewlens/contracts";

export interface LlmGateway {
  complete(request: inference.CompleteRequest, options?: { signal?: AbortSignal | undefined }): Promise<inference.CompleteResponse>;
}
