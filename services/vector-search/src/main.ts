// Composition root of vector-search.
import { vectorsearch } from "@reviewlens/contracts";
import { runService, StatusError, Status } from "@reviewlens/runtime";

const notYet = (what: string) => new StatusError(Status.UNIMPLEMENTED, `${what} is not implemented yet`);

await runService({
  name: "vector-search",
  defaults: { grpcPort: 50052, metricsPort: 9462 },
  schema: {},
  async build() {
    const implementation: vectorsearch.VectorSearchServiceImplementation = {
      upsertReviews: async () => { throw notYet("UpsertReviews"); },
      uploadReviews: async () => { throw notYet("UploadReviews"); },
      deleteReviews: async () => { throw notYet("DeleteReviews"); },
      searchSimilarReviews: async () => { throw notYet("SearchSimilarReviews"); },
      getRepresentativeReviews: async () => { throw notYet("GetRepresentativeReviews"); },
      searchImages: async () => { throw notYet("SearchImages"); },
      getRestaurantStats: async () => { throw notYet("GetRestaurantStats"); },
    };
    return { services: [{ definition: vectorsearch.VectorSearchServiceDefinition, implementation }] };
  },
});
