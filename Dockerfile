# syntax=docker/dockerfile:1
# One image for every Reviewlens component: the service is chosen by the command (the Helm charts
# set it) or by a per-service build target, e.g. `docker build --target inference-gateway .`.
# TypeScript runs through tsx, as in `make up`, so there is no emit step.

# Only the manifests, so `npm ci` is cached until a package.json or the lockfile changes.
FROM node:20-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir /out && cp package.json package-lock.json /out/ \
 && find libs services tools -maxdepth 2 -name package.json -exec cp --parents {} /out/ \;

FROM node:20-slim AS build
WORKDIR /app
COPY --from=manifests /out/ ./
# tsx and the proto generators are devDependencies and are needed at run time / build time.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run proto && npm cache clean --force

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    SERVICE=inference-gateway
WORKDIR /app
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /data && chown node:node /data
# The node image's unprivileged user (uid 1000), as the charts' securityContext expects.
USER node
# Run with a read-only root file system: tsx caches under /tmp and data goes to DATA_DIR, both volumes.
CMD ["sh", "-c", "exec node --import tsx services/${SERVICE}/src/main.ts"]

FROM runtime AS inference-gateway
CMD ["node", "--import", "tsx", "services/inference-gateway/src/main.ts"]
FROM runtime AS vector-search
CMD ["node", "--import", "tsx", "services/vector-search/src/main.ts"]
FROM runtime AS sentiment
CMD ["node", "--import", "tsx", "services/sentiment/src/main.ts"]
FROM runtime AS summarization
CMD ["node", "--import", "tsx", "services/summarization/src/main.ts"]
FROM runtime AS vllm-sim
CMD ["node", "--import", "tsx", "services/vllm-sim/src/main.ts"]
FROM runtime AS watchdog
CMD ["node", "--import", "tsx", "services/watchdog/src/main.ts"]
FROM runtime AS scheduler
CMD ["node", "--import", "tsx", "services/scheduler/src/main.ts"]

# The default target: any service through SERVICE (or the command the chart sets).
FROM runtime
