#!/usr/bin/env bash
# Journaling overhead: times `maker hanoi --disks N -q` (simulated) with and
# without the journal, in interleaved pairs so that machine load hits both
# alike. Usage: scripts/journal-overhead.sh [disks=16] [pairs=5]
set -euo pipefail
cd "$(dirname "$0")/.."
disks=${1:-16}
pairs=${2:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/maker" ./cmd/maker
for i in $(seq "$pairs"); do
  /usr/bin/time -f "no journal  wall %e s  cpu %U+%S s" "$dir/maker" hanoi --disks "$disks" -q --no-journal >/dev/null 2>>"$dir/times"
  /usr/bin/time -f "journal     wall %e s  cpu %U+%S s" "$dir/maker" hanoi --disks "$disks" -q --db "$dir/m$i.db" >/dev/null 2>>"$dir/times"
done
grep -E '^(no journal|journal)' "$dir/times"
echo "database: $(du -h "$dir/m1.db" | cut -f1) for $(( (1 << disks) - 1 )) steps"
