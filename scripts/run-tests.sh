#!/usr/bin/env bash
# Runs every test file of the repository with Node's test runner (TypeScript through tsx).
# Arguments narrow the run to paths containing them, e.g. scripts/run-tests.sh services/vllm-sim
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find libs services tools test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ $# -gt 0 ]; then
  filtered=()
  for f in "${files[@]}"; do for p in "$@"; do [[ $f == *"$p"* ]] && filtered+=("$f") && break; done; done
  files=("${filtered[@]}")
fi
echo "running ${#files[@]} test files" >&2
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=300000 "${files[@]}"
