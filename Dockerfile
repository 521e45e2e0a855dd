# syntax=docker/dockerfile:1
# One image for every Reviewlens component: the service is chosen by the command (the Helm charts
# set it: `node dist/<name>.mjs`) or by a per-service build target, e.g.
# `docker build --target inference-gateway .`. `make image` builds it with buildah (no registry:
# scripts/build-base-image.sh makes node:20-slim locally); `docker build .` builds the same image.
#
# The services are bundled with esbuild at build time (scripts/bundle-services.mjs): tsx, which
# `make up` uses, is a devDependency and compiles every file on each start; the bundle runs on plain
# Node with production dependencies only.

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
WORKDIR /src
COPY --from=manifests /out/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run proto && node scripts/bundle-services.mjs /out

# The production dependencies of the libraries and services the bundles import (not the tools',
# the test kit's nor the demo dataset's), then scripts/prune-image-deps.mjs drops what they never load.
FROM node:20-slim AS deps
ARG NODE_EXTRA_CA_CERTS
WORKDIR /deps
COPY --from=manifests /out/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      $(for w in libs/* services/*; do case "$w" in libs/testkit|libs/demo-data) ;; *) echo "--workspace=$w" ;; esac; done) \
 && rm -rf node_modules/@reviewlens node_modules/.package-lock.json
COPY scripts/prune-image-deps.mjs /tmp/
RUN node /tmp/prune-image-deps.mjs

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    SERVICE=inference-gateway
WORKDIR /app
COPY --from=deps /deps/node_modules ./node_modules
COPY --from=build /out/ ./
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
