// Restaurant statistics from vector-search's GetRestaurantStats.
import type { Client } from "nice-grpc";
import type { vectorsearch } from "@reviewlens/contracts";
import type { RestaurantStatsSource } from "../ports.js";

export function vectorSearchStats(client: Client<typeof vectorsearch.VectorSearchServiceDefinition>): RestaurantStatsSource {
  return {
    async list(signal) {
      const { restaurants } = await client.getRestaurantStats({ restaurantIds: [] }, { signal });
      return restaurants.map((r) => ({
        restaurantId: r.restaurantId,
        reviewCount: r.reviewCount,
        vectorVersion: Number(r.vectorVersion),
        drift: r.drift,
      }));
    },
  };
}
