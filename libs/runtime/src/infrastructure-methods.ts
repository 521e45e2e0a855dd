// Health checks and reflection: called by probes, peers and grpcurl. They are not traced and need
// no API key.
const PATHS = ["/grpc.health.v1.Health/", "/grpc.reflection.v1.ServerReflection/", "/grpc.reflection.v1alpha.ServerReflection/"];

export const isHealthOrReflection = (methodPath: string): boolean => PATHS.some((p) => methodPath.startsWith(p));
