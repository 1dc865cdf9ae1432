#!/usr/bin/env bash
# Fleet scaling benchmark: one batch of latency-bound simulated Hanoi runs
# (k=3, median 20 ms a sample) queued on a throwaway PostgreSQL cluster and
# worked by 1, 2 and 4 maker worker processes, each on a fresh database.
# Prints wall time, runs finished per minute, samples per second and the
# speed-up over one worker. Needs PostgreSQL (.ci/setup.d/postgres.sh).
# Usage: scripts/bench-fleet.sh [runs=16] [disks=7] [concurrency per worker=2]
set -euo pipefail
cd "$(dirname "$0")/.."
MAKER_BENCH_FLEET=1 MAKER_BENCH_FLEET_RUNS=${1:-16} MAKER_BENCH_FLEET_DISKS=${2:-7} MAKER_BENCH_FLEET_CONCURRENCY=${3:-2} \
  go test -count=1 -v -run '^TestFleetScaling$' -timeout 30m ./cmd/maker | grep -v -E '^(ok|PASS|=== RUN|--- PASS)'
