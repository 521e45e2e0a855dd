// The one public entry to the generated contracts (built from proto/ by `npm run proto`).
import { fileURLToPath } from "node:url";

export * as common from "./gen/reviewlens/common/v1/common.js";
export * as inference from "./gen/reviewlens/inference/v1/inference_gateway.js";
export * as vectorsearch from "./gen/reviewlens/vectorsearch/v1/vector_search.js";
export * as sentiment from "./gen/reviewlens/sentiment/v1/sentiment.js";
export * as summarization from "./gen/reviewlens/summarization/v1/summarization.js";

/** The FileDescriptorSet of every contract, for server reflection. */
export const descriptorSetPath = fileURLToPath(new URL("../descriptor.binpb", import.meta.url));

/** The proto/ folder, for clients that load contracts with @grpc/proto-loader. */
export const protoRoot = fileURLToPath(new URL("../../../proto", import.meta.url));
