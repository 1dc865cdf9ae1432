#!/usr/bin/env bash
# Speculative pipelining benchmark, in two parts.
#
# 1. The table: simulated Hanoi runs (k=3, log-normal latency with median
#    50 ms) for speculation depth 0, 1, 2, 4, 8 and auto (the default), spread
#    sigma 0.3 and 0.8, and per-sample success rate 0.9978, 0.99 and 0.9, in
#    process and over HTTP (depth 0 and auto) through the simulated server of
#    `maker sim serve` and through a mock that takes one latency a request.
#    Columns: wall time per step over the median latency, samples thrown
#    away (%), the deepest depth used, and the wall per step over its floor
#    (the mean of the fastest of k samples). It ends with the README's table.
# 2. The bars, with the maker binary as a user runs it, each the median of 3
#    runs of 7-disk Hanoi at k=3 and a 50 ms median latency, default flags:
#    in process (--sim-latency 50ms --sim-error 0.0022), through
#    `maker sim serve --sim-latency 50ms` (--model vllm/sim --base-url), and
#    the plan of the paper's run (maker plan --p 0.9978 --steps 1048575
#    --latency 1s) against the ratio measured in process.
#
# Wall figures depend on the machine's load: each part prints uptime.
# Usage: scripts/bench-speculation.sh [disks=6]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "load: $(uptime)"
MAKER_BENCH_SPECULATION=1 MAKER_BENCH_DISKS=${1:-6} \
  go test -count=1 -v -run '^TestSpeculationTable$' -timeout 30m . | grep -v -E '^(ok|PASS|=== RUN|--- PASS)'
echo "load: $(uptime)"
echo

dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
go build -o "$dir/maker" ./cmd/maker

# runs LABEL ARGS...: three runs, their JSON summaries one a line in $dir/LABEL.
runs() {
  local label=$1
  shift
  for _ in 1 2 3; do
    "$dir/maker" hanoi --disks 7 --k 3 --no-journal --json -q "$@" >>"$dir/$label"
  done
}
runs inproc --sim-latency 50ms --sim-error 0.0022

"$dir/maker" sim serve --addr 127.0.0.1:0 --sim-latency 50ms 2>"$dir/sim.log" &
pid=$!
url=
for _ in $(seq 200); do
  url=$(grep -o 'url=http://[^ ]*' "$dir/sim.log" | head -1 | cut -d= -f2 || true)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "maker sim serve did not start:"; cat "$dir/sim.log"; exit 1; }
runs serve --model vllm/sim --base-url "$url"
kill "$pid"
pid=

"$dir/maker" plan --p 0.9978 --steps 1048575 --latency 1s --json >"$dir/plan"

python3 - "$dir" <<'EOF'
import json, statistics, sys
d = sys.argv[1]
L = 0.05
def read(label):
    runs = [json.loads(line) for line in open(f"{d}/{label}")]
    ratio = statistics.median(r["wall_per_step_seconds"] / L for r in runs)
    extra = statistics.median(100.0 * r.get("speculative_wasted", 0) / r["samples"] for r in runs)
    wrong = sum(r["wrong_steps"] for r in runs)
    depth = max(r.get("speculation_depth", 0) for r in runs)
    return ratio, extra, wrong, depth
def ok(good):
    return "ok" if good else "FAILED"
r, x, w, dep = read("inproc")
print(f"bar in process: maker hanoi --disks 7 --k 3 --sim-latency 50ms --sim-error 0.0022: "
      f"{r:.3f} x L a step (<= 0.88), {x:.2f} % extra samples (<= 2 %), {w} wrong steps, depth {dep}: {ok(r <= 0.88 and x <= 2 and w == 0)}")
inproc = r
r, x, w, dep = read("serve")
print(f"bar over HTTP: the same through maker sim serve --sim-latency 50ms (--model vllm/sim --base-url): "
      f"{r:.3f} x L a step (<= 0.92), {x:.2f} % extra samples, {w} wrong steps, depth {dep}: {ok(r <= 0.92 and w == 0)}")
pl = json.load(open(f"{d}/plan"))
hours, plain = pl["speculative_wall_seconds"] / 3600, pl["wall_seconds"] / 3600
projected = pl["speculative_wall_seconds"] / pl["steps"] / pl["median_latency_seconds"]
apart = abs(projected - inproc) / inproc * 100
print(f"bar plan: maker plan --p 0.9978 --steps 1048575 --latency 1s: {hours:.1f} h with speculation (< 200 h), "
      f"{plain:.1f} h without, depth {pl['speculation_depth']}; {projected:.3f} medians a step projected against "
      f"{inproc:.3f} measured in process, {apart:.1f} % apart (<= 10 %): {ok(hours < 200 and apart <= 10)}")
EOF
echo "load: $(uptime)"
