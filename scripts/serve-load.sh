#!/usr/bin/env bash
# Service under load: starts `maker serve` on a free loopback port, submits
# RUNS simulated Hanoi runs (zero latency) at once through the API, polls the
# API while they go, and prints the aggregate samples per second, the API's
# latency percentiles under that load, the service's CPU time and its peak
# RSS. On a machine shared with other work, samples per CPU-second is the
# figure that does not depend on the load.
# Usage: scripts/serve-load.sh [runs=32] [disks=12]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-32}
disks=${2:-12}
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
go build -o "$dir/maker" ./cmd/maker
"$dir/maker" serve --addr 127.0.0.1:0 --db "$dir/m.db" 2>"$dir/serve.log" &
pid=$!
for _ in $(seq 200); do
  url=$(grep -o 'url=http://[^ ]*' "$dir/serve.log" | head -1 | cut -d= -f2 || true)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "maker serve did not start:"; cat "$dir/serve.log"; exit 1; }

start=$(date +%s.%N)
for i in $(seq "$runs"); do
  curl -sf -X POST "$url/v1/runs" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"hanoi\",\"params\":{\"disks\":$disks},\"settings\":{\"k\":3,\"sim-error\":0.01,\"seed\":$i}}" \
    -o /dev/null -w '%{time_total}\n' >>"$dir/lat" &
done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
# Poll the API (a run's state, the list, the metrics) until every run has stopped.
while :; do
  for path in "/v1/runs?limit=50" "/metrics" "/healthz"; do
    curl -sf "$url$path" -o /dev/null -w '%{time_total}\n' >>"$dir/lat"
  done
  live=$(curl -sf "$url/v1/runs?status=running&limit=0" | jq '.total')
  [ "$live" = 0 ] && break
done
end=$(date +%s.%N)

samples=$(curl -sf "$url/v1/runs?limit=0" | jq '[.runs[].id]' | jq -r '.[]' | while read -r id; do
  curl -sf "$url/v1/runs/$id" | jq '.summary.samples'
done | awk '{s+=$1} END {print s}')
done_runs=$(curl -sf "$url/v1/runs?status=done&limit=0" | jq '.total')
curl -sf "$url/metrics" >"$dir/metrics"
cpu=$(awk -v tck="$(getconf CLK_TCK)" '{print ($14 + $15) / tck}' "/proc/$pid/stat")
rss=$(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status")
wall=$(echo "$end - $start" | bc -l)
sort -n "$dir/lat" | awk -v runs="$runs" -v done_runs="$done_runs" -v samples="$samples" -v wall="$wall" -v rss="$rss" -v cpu="$cpu" '
  { l[NR] = $1 }
  END {
    i50 = int(NR * 0.50) + 1; if (i50 > NR) i50 = NR
    i99 = int(NR * 0.99) + 1; if (i99 > NR) i99 = NR
    printf "runs             %d submitted, %d done\n", runs, done_runs
    printf "samples          %d in %.2f s: %.0f samples/s aggregate\n", samples, wall, samples / wall
    printf "API latency      %d requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", NR, l[i50] * 1000, l[i99] * 1000, l[NR] * 1000
    printf "service CPU      %.1f s (user+sys): %.0f samples per CPU-second\n", cpu, samples / cpu
    printf "peak RSS         %s\n", rss
  }'
# The server's own view (request handling only, no client or network):
# the share of each route's requests answered within 100 ms.
awk '/^maker_http_request_duration_seconds_bucket/ && /le="0.1"/ { match($0, /route="[^"]*"/); r = substr($0, RSTART + 7, RLENGTH - 8); fast[r] += $2 }
     /^maker_http_request_duration_seconds_count/ { match($0, /route="[^"]*"/); r = substr($0, RSTART + 7, RLENGTH - 8); all[r] += $2 }
     END { for (r in all) if (r != "/v1/runs/{id}/events") printf "  server-side     %-22s %5d requests, %5.1f%% within 100 ms\n", r, all[r], 100 * fast[r] / all[r] }' "$dir/metrics"
