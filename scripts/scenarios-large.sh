#!/usr/bin/env bash
# Runs the three model-as-transition scenarios at their large size on the
# simulator (default error rate, k planned automatically) and prints one
# line per scenario: steps, samples, k, wall time and the simulated cost.
# Usage: scripts/scenarios-large.sh [extra maker flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/maker
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/maker
printf '%-10s %6s %6s %8s %3s %8s %8s %s\n' scenario size steps samples k wall_s sim_usd success
for s in deps infra interview; do
  out=$("$bin" scenario "$s" --size 10000 --json "$@")
  if command -v jq >/dev/null; then
    read -r steps samples k wall usd ok < <(jq -r '[.steps, .samples, .k, .wall_seconds, .cost_usd, .success] | @tsv' <<<"$out")
    printf '%-10s %6s %6s %8s %3s %8.2f %8.2f %s\n' "$s" 10000 "$steps" "$samples" "$k" "$wall" "$usd" "$ok"
  else
    echo "$s $out"
  fi
done
