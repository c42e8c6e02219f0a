#!/usr/bin/env bash
# Runs every fuzz target for RUNS executions (default 1000000), each on a scratch copy of its
# committed corpus (new inputs stay in build/fuzz/corpus/NAME; copy a finding into
# tests/fuzz/corpus/NAME once fixed). Prints one line per target: executions, seconds, status.
#   cmake --preset fuzz && cmake --build build/fuzz && tests/fuzz/run.sh [RUNS] [TARGET...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=${1:-1000000}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=($(ls tests/fuzz/corpus)); fi
for t in "${targets[@]}"; do
  work=build/fuzz/corpus/$t
  mkdir -p "$work"
  start=$(date +%s)
  if build/fuzz/tests/fuzz/fuzz_$t -runs="$runs" -timeout=1 -rss_limit_mb=2048 -max_len=4096 \
       -artifact_prefix="build/fuzz/finding_${t}_" "$work" "tests/fuzz/corpus/$t" > "build/fuzz/$t.log" 2>&1; then
    status=ok
  else
    status="FINDING (build/fuzz/$t.log)"
  fi
  execs=$(grep -a -o 'Done [0-9]* runs' "build/fuzz/$t.log" | grep -o '[0-9]*' || echo "?")
  echo "$t: $execs executions in $(( $(date +%s) - start )) s: $status"
done
