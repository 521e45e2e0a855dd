// Composition root of the sentiment service.
import { sentiment, vectorsearch } from "@reviewlens/contracts";
import { allReady, createServiceClient, env, grpcDependency, InvalidArgumentError, runService, Status, StatusError } from "@reviewlens/runtime";

await runService({
  name: "sentiment",
  defaults: { grpcPort: 50053, metricsPort: 9463 },
  schema: {
    VECTOR_SEARCH_ADDR: env.string("127.0.0.1:50052"),
    GATEWAY_ADDR: env.string("127.0.0.1:50051"),
  },
  async build({ config }) {
    const vectors = createServiceClient(vectorsearch.VectorSearchServiceDefinition, config.VECTOR_SEARCH_ADDR);
    const probes = [grpcDependency("vector-search", config.VECTOR_SEARCH_ADDR), grpcDependency("inference-gateway", config.GATEWAY_ADDR)];
    const implementation: sentiment.SentimentServiceImplementation = {
      async analyzeRestaurant(request, context) {
        if (!request.restaurantId) throw new InvalidArgumentError("restaurant_id", "must not be empty");
        await vectors.client.getRepresentativeReviews({ restaurantId: request.restaurantId }, { signal: context.signal });
        throw new StatusError(Status.UNIMPLEMENTED, "sentiment analysis is not implemented yet");
      },
      async *analyzeRestaurants() {
        throw new StatusError(Status.UNIMPLEMENTED, "AnalyzeRestaurants is not implemented yet");
      },
    };
    return {
      services: [{ definition: sentiment.SentimentServiceDefinition, implementation }],
      readiness: (signal) => allReady(probes, signal),
      async close() {
        for (const p of probes) p.close();
        vectors.channel.close();
      },
    };
  },
});
