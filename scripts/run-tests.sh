#!/usr/bin/env bash
# Runs every test file of the repository with Node's test runner (TypeScript through tsx).
# Arguments narrow the run to paths containing them, e.g. scripts/run-tests.sh services/vllm-sim
# Without arguments, test/containers/ is left out: it needs the image (make test-containers).
#
# Files that stop and restart the shared test Redis or PostgreSQL (outage tests) run last, one at
# a time, so no other test file sees their outage.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find libs services tools test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ $# -gt 0 ]; then
  filtered=()
  for f in "${files[@]}"; do for p in "$@"; do [[ $f == *"$p"* ]] && filtered+=("$f") && break; done; done
  files=("${filtered[@]}")
else
  kept=()
  for f in "${files[@]}"; do [[ $f == test/containers/* ]] || kept+=("$f"); done
  files=("${kept[@]}")
fi
outage_pattern='stopRedis|pgCtl\(|TEST_PG_CTL|TEST_REDIS_SERVER_CMD'
shared=()
outage=()
for f in "${files[@]}"; do
  if grep -qE "$outage_pattern" "$f"; then outage+=("$f"); else shared+=("$f"); fi
done
echo "running ${#files[@]} test files (${#outage[@]} outage tests last, one at a time)" >&2
node_test=(node --import tsx --test --test-reporter=tap --test-timeout=300000)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
if [ ${#shared[@]} -gt 0 ]; then
  "${node_test[@]}" --test-concurrency="${TEST_CONCURRENCY:-2}" "${shared[@]}" | tee -a "$log" || status=$?
fi
if [ ${#outage[@]} -gt 0 ]; then
  "${node_test[@]}" --test-concurrency=1 "${outage[@]}" | tee -a "$log" || status=$?
fi
# One closing line for both runs.
passed=$(awk '/^# pass /{s+=$3} END{print s+0}' "$log")
# A test cancelled by its failing before() hook counts as failed.
failed=$(awk '/^# (fail|cancelled) /{s+=$3} END{print s+0}' "$log")
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
