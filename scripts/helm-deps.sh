#!/usr/bin/env bash
# Builds the charts' file:// dependencies (helm/*/charts/, git-ignored): the library chart into each
# component chart, then the component charts into the umbrella. Run before `helm install` from the
# repository, e.g. `bash scripts/helm-deps.sh && helm install reviewlens helm/reviewlens`.
# HELM_DIR (default helm) lets the tests build a copy.
set -euo pipefail
cd "$(dirname "$0")/.."
helm_bin=${HELM:-$(command -v helm || echo .tools/bin/helm)}
dir=${HELM_DIR:-helm}
for chart in "$dir"/*/; do
  chart=${chart%/}
  name=$(basename "$chart")
  [ "$name" = reviewlens ] || [ "$name" = reviewlens-lib ] && continue
  "$helm_bin" dependency update --skip-refresh "$chart" >/dev/null
done
"$helm_bin" dependency update --skip-refresh "$dir/reviewlens" >/dev/null
