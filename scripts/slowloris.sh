#!/usr/bin/env bash
# Slow clients against the services, on loopback only: opens N connections
# (default 300) that send their headers at once and then their body a byte
# every INTERVAL (default 3 s), half of them with the token, against
#   1. a token-protected `maker serve` while a simulated run goes on, and
#   2. `maker sim serve` while `maker hanoi` runs against it,
# and reports how long until the service had closed every one, and how many
# steps the run committed meanwhile; then opens N more and sends SIGTERM
# with them open, and reports how long the service took to exit, and its
# exit status. Everything is bounded: the connections are given up after
# LIMIT (default 60 s), a service that does not exit 20 s after SIGTERM is
# killed.
# Usage: scripts/slowloris.sh [connections=300] [interval=3s] [limit=60s]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-300}
every=${2:-3s}
limit=${3:-60s}
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
go build -o "$dir/maker" ./cmd/maker
go build -o "$dir/slowloris" ./internal/cmd/slowloris
MAKER_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export MAKER_TOKEN

# wait_url LOG: the http://host:port the service logged it serves.
wait_url() {
  local url=
  for _ in $(seq 600); do
    url=$(grep -o 'url=http://[^ ]*' "$1" | head -1 | cut -d= -f2 | sed 's|/v1$||' || true)
    [ -n "$url" ] && { echo "$url"; return; }
    sleep 0.05
  done
  echo "the service did not start:" >&2
  cat "$1" >&2
  exit 1
}

# sigterm PID NAME: sends SIGTERM and prints the time until the process
# exited and its exit status.
sigterm() {
  local pid=$1 t0 t1 code=0
  t0=$(date +%s.%N)
  kill -TERM "$pid"
  for _ in $(seq 400); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    echo "$2: still running 20 s after SIGTERM; killed"
  fi
  wait "$pid" || code=$?
  t1=$(date +%s.%N)
  printf '%s: SIGTERM with %d slow connections open: exited in %.2f s, status %d\n' "$2" "$n" "$(echo "$t1 - $t0" | bc -l)" "$code"
}

# hold ADDR PATH: opens N slow connections in the background and returns
# once they are all open.
hold() {
  "$dir/slowloris" -addr "$1" -path "$2" -n "$n" -every "$every" -limit "$limit" -token-env MAKER_TOKEN >"$dir/hold.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do
    grep -q '^opened' "$dir/hold.out" && return
    sleep 0.05
  done
  cat "$dir/hold.out" >&2
  exit 1
}

echo "== maker serve (token-protected), $n slow connections, a byte every $every"
"$dir/maker" serve --addr 127.0.0.1:0 --db "$dir/m.db" --token-env MAKER_TOKEN 2>"$dir/serve.log" &
serve=$!
pids+=("$serve")
url=$(wait_url "$dir/serve.log")
auth="Authorization: Bearer $MAKER_TOKEN"
id=$(curl -sf -H "$auth" -X POST "$url/v1/runs" -H 'Content-Type: application/json' \
  -d '{"kind":"hanoi","params":{"disks":16},"settings":{"k":2,"sim-latency":"5ms"}}' | jq -r .id)
steps() { curl -sf -H "$auth" "$url/v1/runs/$id" | jq .steps; }
for _ in $(seq 600); do [ "$(steps)" -gt 0 ] && break; sleep 0.05; done
before=$(steps)
"$dir/slowloris" -addr "${url#http://}" -n "$n" -every "$every" -limit "$limit" -token-env MAKER_TOKEN
after=$(steps)
echo "the run committed $((after - before)) steps during the attack ($before to $after)"
hold "${url#http://}" /v1/runs
sigterm "$serve" "maker serve"
wait "${pids[-1]}" || true
sed 's/^/  slow connections: /' "$dir/hold.out" | tail -1
grep -o 'msg=draining.*' "$dir/serve.log" | sed 's/^/  log: /'

echo "== maker sim serve, $n slow connections, a byte every $every"
"$dir/maker" sim serve --addr 127.0.0.1:0 --sim-latency 5ms 2>"$dir/sim.log" &
sim=$!
pids+=("$sim")
url=$(wait_url "$dir/sim.log")
"$dir/maker" hanoi --disks 10 --k 2 --model vllm/sim --base-url "$url/v1" --db "$dir/c.db" -q >"$dir/client.out" 2>&1 &
client=$!
pids+=("$client")
"$dir/slowloris" -addr "${url#http://}" -path /v1/chat/completions -n "$n" -every "$every" -limit "$limit"
if kill -0 "$client" 2>/dev/null; then
  echo "a maker hanoi client against it was still running at the end of the attack"
else
  code=0
  wait "$client" || code=$?
  echo "a maker hanoi client against it finished during the attack, status $code"
fi
hold "${url#http://}" /v1/chat/completions
sigterm "$sim" "maker sim serve"
wait "${pids[-1]}" || true
sed 's/^/  slow connections: /' "$dir/hold.out" | tail -1
