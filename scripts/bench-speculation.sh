#!/usr/bin/env bash
# Speculative pipelining benchmark: one table of simulated Hanoi runs (k=3,
# log-normal latency with median 50 ms) for speculation depth 0, 1, 2, 4
# and 8, spread sigma 0.3 and 0.8, and per-sample success rate 0.9978, 0.99
# and 0.9. Columns: wall time per step over the median latency, samples per
# step, samples thrown away (%), wrong steps, the share of steps started
# ahead that were kept, and the wall per step over its floor (the mean of
# the fastest of k samples). Wall figures depend on the machine's load.
# Usage: scripts/bench-speculation.sh [disks=6]
set -euo pipefail
cd "$(dirname "$0")/.."
MAKER_BENCH_SPECULATION=1 MAKER_BENCH_DISKS=${1:-6} \
  go test -count=1 -v -run '^TestSpeculationTable$' -timeout 30m . | grep -v -E '^(ok|PASS|=== RUN|--- PASS)'
