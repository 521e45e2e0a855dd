#!/usr/bin/env bash
# `make image`: the project image from the Dockerfile with buildah, no daemon and no registry.
# Installs podman, buildah, runc and debootstrap with apt-get when run as root and they are missing,
# makes the base image once (scripts/build-base-image.sh, cached by its inputs), builds with layer
# caching (the npm ci layers are reused until the manifests change) and prints the image's size.
# IMAGE names the result (default localhost/reviewlens:local). NO_CACHE=1 builds every layer above
# the base anew and keeps none for later builds (to time a build from scratch).
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/containers.conf}
IMAGE=${IMAGE:-localhost/reviewlens:local}

missing=()
for tool in podman buildah runc debootstrap; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "build-image: installing ${missing[*]}" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null
  else
    echo "build-image: ${missing[*]} missing; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
export PATH=$PATH:/usr/sbin

bash scripts/build-base-image.sh
# chroot isolation and the host network: the default OCI isolation cannot run here; npm ci needs
# the registry. --pull=never: the base is local.
# A host that reaches the npm registry through a TLS-intercepting proxy trusts its CA through
# NODE_EXTRA_CA_CERTS: the build's npm gets the same bundle (a build argument, mounted read-only).
ca=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  ca=(--build-arg NODE_EXTRA_CA_CERTS=/run/host-ca-bundle.crt --volume "$NODE_EXTRA_CA_CERTS:/run/host-ca-bundle.crt:ro")
fi
cache=(--layers)
[ -z "${NO_CACHE:-}" ] || cache=(--no-cache --layers=false)
buildah bud --isolation chroot --network host "${cache[@]}" --pull=never "${ca[@]}" -t "$IMAGE" .
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
echo "image $IMAGE: $((size / 1000000)) MB"
