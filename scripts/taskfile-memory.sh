#!/usr/bin/env bash
# Memory and time to load a big declared task: writes the running-sum example
# with STEPS expected answers (600,000 steps make a 28 MB file), then runs
# `maker run` on it with a budget of one sample, so the figures are the
# load's, and prints the peak RSS and the wall time.
# Usage: scripts/taskfile-memory.sh [steps=600000] [maker binary]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-600000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bin=${2:-}
if [ -z "$bin" ]; then
  bin="$dir/maker"
  go build -o "$bin" ./cmd/maker
fi
file="$dir/big.yaml"
# The example's head, up to its expected list, with done.steps set to STEPS.
sed -n '/^expected:/q;p' examples/yaml/running-sum.yaml | sed "s/^  steps: .*/  steps: $steps/" >"$file"
echo "expected:" >>"$file"
awk -v n="$steps" 'BEGIN { s = 0; for (i = 1; i <= n; i++) { s += i; printf "  - {action: add %d, state: \"%.0f\"}\n", i, s } }' >>"$file"
echo "task file: $(du -h "$file" | cut -f1), $steps expected steps"
set +e
/usr/bin/time -v "$bin" run "$file" --max-samples-total 1 -q --no-journal >/dev/null 2>"$dir/time"
code=$?
set -e
grep -E 'Maximum resident|Elapsed \(wall' "$dir/time"
echo "exit status $code (3: the one-sample budget stopped the run after the load)"
grep -v -E '^\s' "$dir/time" | head -3 || true
