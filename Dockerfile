# syntax=docker/dockerfile:1
# One image for every Reviewlens component: the service is chosen by the command (the Helm charts
# set it: `node dist/<name>.mjs`) or by a per-service build target, e.g.
# `docker build --target inference-gateway .`. `make image` builds it with buildah (no registry:
# scripts/build-base-image.sh makes node:20-slim locally); `docker build .` builds the same image.
#
# The services are bundled with esbuild at build time (scripts/bundle-services.mjs), with the npm
# packages they import: tsx, which `make up` uses, is a devDependency and compiles every file on each
# start; the bundle runs on plain Node. /app/node_modules keeps only what cannot be bundled (LanceDB's
# native module, PGlite with its WebAssembly files).

# Only the manifests, so the `npm ci` layers are cached until a package.json or the lockfile changes.
FROM node:20-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir /out && cp package.json package-lock.json /out/ \
 && find libs services tools -maxdepth 2 -name package.json -exec cp --parents {} /out/ \;

# Every dependency (tsx, esbuild, the proto generators): generate the contracts and bundle.
FROM node:20-slim AS build
# Behind a TLS-intercepting proxy, the path of its CA bundle (mounted into the build); empty: none.
ARG NODE_EXTRA_CA_CERTS
# strip: LanceDB's native module ships with its symbol table (20 MB), which running it never reads.
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends binutils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY --from=manifests /out/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run proto && node scripts/bundle-services.mjs /out \
 && find /out/node_modules -name '*.node' -exec strip --strip-unneeded {} +

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    SERVICE=inference-gateway
WORKDIR /app
# The packages first: their layer stays the same (cached, not pushed again) while the code changes.
COPY --from=build /out/node_modules ./node_modules
COPY --from=build /out/dist ./dist
COPY --from=build /out/descriptor.binpb ./
RUN mkdir -p /data && chown node:node /data
# The node image's unprivileged user (uid 1000), as the charts' securityContext expects.
USER node
# Runs with a read-only root file system: data goes to DATA_DIR, and /tmp; both are volumes.
CMD ["sh", "-c", "exec node dist/${SERVICE}.mjs"]

FROM runtime AS inference-gateway
CMD ["node", "dist/inference-gateway.mjs"]
FROM runtime AS vector-search
CMD ["node", "dist/vector-search.mjs"]
FROM runtime AS sentiment
CMD ["node", "dist/sentiment.mjs"]
FROM runtime AS summarization
CMD ["node", "dist/summarization.mjs"]
FROM runtime AS vllm-sim
CMD ["node", "dist/vllm-sim.mjs"]
FROM runtime AS watchdog
CMD ["node", "dist/watchdog.mjs"]
FROM runtime AS scheduler
CMD ["node", "dist/scheduler.mjs"]

# The default target: any service through SERVICE (or the command the chart sets).
FROM runtime
