#!/usr/bin/env bash
# The run list at scale: fills a journal with RUNS finished runs (default
# 100,000, a busy team's year; internal/cmd/seedruns) on SQLite and on a
# throwaway PostgreSQL cluster (Debian's postgresql, reached by its Unix
# socket only; skipped when it is not installed), serves each with
# `maker serve` on loopback, and prints, for each backend, the p50 and p99
# of REQUESTS (default 200) answers of the list's first page, of filtered
# pages and of a page by cursor, and how long `maker runs` takes to print
# its first page. The bar: each p99 <= 50 ms, maker runs < 1 s.
# Usage: scripts/seed-runs.sh [runs=100000] [requests=200]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100000}
requests=${2:-200}
dir=$(mktemp -d)
chmod 755 "$dir"
pids=()
pgdata=
pgctl=
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$pgdata" ]; then runuser -u postgres -- "$pgctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
go build -o "$dir/maker" ./cmd/maker
go build -o "$dir/seedruns" ./internal/cmd/seedruns
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# measure BACKEND DB: seed, serve, time the list.
measure() {
  local backend=$1 db=$2 url=
  /usr/bin/time -f "$backend  seeded in %e s" "$dir/seedruns" -db "$db" -n "$runs" >/dev/null
  "$dir/maker" serve --addr 127.0.0.1:0 --db "$db" 2>"$dir/serve-$backend.log" &
  pids+=($!)
  for _ in $(seq 200); do
    url=$(grep -o 'url=http://[^ ]*' "$dir/serve-$backend.log" | head -1 | cut -d= -f2 || true)
    [ -n "$url" ] && break
    sleep 0.05
  done
  [ -n "$url" ] || { echo "maker serve did not start:"; cat "$dir/serve-$backend.log"; exit 1; }
  local next
  next=$(curl -sf "$url/v1/runs?status=done&limit=50" | jq -r '.next')
  for q in "limit=50" "status=failed&limit=50" "kind=cube&limit=50" "status=done&kind=sudoku&limit=50" \
    "status=done&limit=50&cursor=$next" "offset=1000&limit=50" "text=gpt&limit=50"; do
    local args=()
    for _ in $(seq "$requests"); do args+=(-o /dev/null "$url/v1/runs?$q"); done
    local total
    total=$(curl -sf "$url/v1/runs?$q" | jq '.total')
    curl -sf -w '%{http_code} %{time_total}\n' "${args[@]}" | sort -k2,2n | awk -v b="$backend" -v q="${q/$next/NEXT}" -v runs="$runs" -v total="$total" '
      $1 != 200 { bad++ } { l[NR] = $2 }
      END {
        i50 = int(NR * 0.50) + 1; if (i50 > NR) i50 = NR
        i99 = int(NR * 0.99) + 1; if (i99 > NR) i99 = NR
        printf "%-8s %d runs  GET /v1/runs?%-34s %6d match  %d requests: p50 %5.1f ms, p99 %5.1f ms%s\n", b, runs, q, total, NR, l[i50] * 1000, l[i99] * 1000, bad ? ", " bad " failed" : ""
      }'
  done
  local start end
  start=$(date +%s.%N)
  "$dir/maker" runs --db "$db" >"$dir/runs.out" 2>"$dir/runs.err"
  end=$(date +%s.%N)
  printf "%-8s %d runs  maker runs printed its first page (%d lines) in %.2f s\n" "$backend" "$runs" "$(wc -l <"$dir/runs.out")" "$(echo "$end - $start" | bc -l)"
  start=$(date +%s.%N)
  "$dir/maker" runs --db "$db" --status failed --text gpt >/dev/null 2>&1
  end=$(date +%s.%N)
  printf "%-8s %d runs  maker runs --status failed --text gpt printed its first page in %.2f s\n" "$backend" "$runs" "$(echo "$end - $start" | bc -l)"
  kill "${pids[-1]}"
  wait "${pids[-1]}" 2>/dev/null || true
}

measure sqlite "$dir/m.db"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ]; then
  echo "postgres: not measured (no /usr/lib/postgresql/*/bin: install Debian's postgresql)"
else
  pgctl=$bin/pg_ctl
  as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$dir/pg" -U maker --auth-local=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
  pgdata=$dir/pg
  "${as[@]}" "$pgctl" -D "$pgdata" -o "-c listen_addresses= -k $dir -c fsync=off" -l "$dir/pg.log" -w start >/dev/null
  "${as[@]}" "$bin/createdb" -h "$dir" -U maker maker
  measure postgres "postgres://maker@/maker?host=$dir"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
