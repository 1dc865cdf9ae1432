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

# Submit every run at once: one client with a connection per run (curl
# --parallel), as a program would, rather than a process per run, whose
# start-up on a small machine would count in the answers' times.
posts=()
for i in $(seq "$runs"); do
  [ "$i" = 1 ] || posts+=(--next)
  posts+=(-sf -X POST "$url/v1/runs" -H 'Content-Type: application/json'
    -d "{\"kind\":\"hanoi\",\"params\":{\"disks\":$disks},\"settings\":{\"k\":3,\"sim-error\":0.01,\"seed\":$i}}"
    -o /dev/null -w 'POST/v1/runs %{time_total}\n')
done
start=$(date +%s.%N)
curl -sZ --parallel-immediate --parallel-max "$runs" "${posts[@]}" --no-progress-meter >>"$dir/lat"
# Poll the API (a run's state, the list, the metrics) until every run has stopped.
while :; do
  for path in "/v1/runs?limit=50" "/metrics" "/healthz"; do
    curl -sf "$url$path" -o /dev/null -w "GET${path%%\?*} %{time_total}\n" >>"$dir/lat"
  done
  live=$(curl -sf "$url/v1/runs?status=running&limit=1" | jq '.total')
  [ "$live" = 0 ] && break
done
end=$(date +%s.%N)

# Every run's samples, the list read a page at a time by its cursor.
ids() {
  local next= page
  while :; do
    page=$(curl -sf "$url/v1/runs?limit=1000${next:+&cursor=$next}")
    jq -r '.runs[].id' <<<"$page"
    next=$(jq -r '.next // empty' <<<"$page")
    [ -n "$next" ] || break
  done
}
samples=$(ids | while read -r id; do
  curl -sf "$url/v1/runs/$id" | jq '.summary.samples'
done | awk '{s+=$1} END {print s}')
done_runs=$(curl -sf "$url/v1/runs?status=done&limit=1" | jq '.total')
curl -sf "$url/metrics" >"$dir/metrics"
cpu=$(awk -v tck="$(getconf CLK_TCK)" '{print ($14 + $15) / tck}' "/proc/$pid/stat")
rss=$(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status")
wall=$(echo "$end - $start" | bc -l)
sort -k2,2n "$dir/lat" | awk -v runs="$runs" -v done_runs="$done_runs" -v samples="$samples" -v wall="$wall" -v rss="$rss" -v cpu="$cpu" '
  function pct(n, p,   i) { i = int(n * p) + 1; return i > n ? n : i }
  { l[NR] = $2; n[$1]++; r[$1, n[$1]] = $2 }
  END {
    printf "runs             %d submitted, %d done\n", runs, done_runs
    printf "samples          %d in %.2f s: %.0f samples/s aggregate\n", samples, wall, samples / wall
    printf "API latency      %d requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", NR, l[pct(NR, 0.5)] * 1000, l[pct(NR, 0.99)] * 1000, l[NR] * 1000
    for (k in n) printf "  client-side     %-22s %5d requests: p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms\n", k, n[k], r[k, pct(n[k], 0.5)] * 1000, r[k, pct(n[k], 0.99)] * 1000, r[k, n[k]] * 1000
    printf "service CPU      %.1f s (user+sys): %.0f samples per CPU-second\n", cpu, samples / cpu
    printf "peak RSS         %s\n", rss
  }'
# The server's own view (request handling only, no client or network):
# each route's share of requests answered within 100 ms, and the bucket
# its 99th percentile falls in.
awk '/^maker_http_request_duration_seconds_bucket/ {
       match($0, /route="[^"]*"/); r = substr($0, RSTART + 7, RLENGTH - 8)
       match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5)
       cum[r, le] += $2; les[le] = 1 }
     /^maker_http_request_duration_seconds_count/ { match($0, /route="[^"]*"/); r = substr($0, RSTART + 7, RLENGTH - 8); all[r] += $2 }
     END {
       n = 0; for (le in les) if (le != "+Inf") b[++n] = le + 0
       for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
       for (r in all) {
         if (r == "/v1/runs/{id}/events") continue
         p99 = "> 10 s"
         for (i = 1; i <= n; i++) if (cum[r, b[i] ""] >= 0.99 * all[r]) { p99 = sprintf("<= %g ms", b[i] * 1000); break }
         printf "  server-side     %-22s %5d requests, %5.1f%% within 100 ms, p99 %s\n", r, all[r], 100 * cum[r, "0.1"] / all[r], p99
       }
     }' "$dir/metrics"
