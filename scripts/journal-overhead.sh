#!/usr/bin/env bash
# Journaling overhead of a simulated Hanoi run, in time and in space:
#   - `maker hanoi --disks N -q` with and without the journal, in
#     interleaved pairs so that machine load hits both alike;
#   - bytes a step on SQLite: the database file after
#     PRAGMA wal_checkpoint(TRUNCATE), over the steps;
#   - bytes a step on PostgreSQL: pg_total_relation_size (tables, their
#     indexes and TOAST) of the journal's tables, over the steps, on a
#     throwaway cluster (skipped when the server's binaries are missing);
#   - the BIG-disk journaled run's wall time and peak RSS (/usr/bin/time -v),
#     with the load average it started under.
# Usage: scripts/journal-overhead.sh [disks=16] [pairs=5] [big=20]
set -euo pipefail
cd "$(dirname "$0")/.."
disks=${1:-16}
pairs=${2:-5}
big=${3:-20}
steps=$(( (1 << disks) - 1 ))
dir=$(mktemp -d)
pgdata=""
pgrun=()
cleanup() {
  if [[ -n $pgdata && -f $pgdata/postmaster.pid ]]; then
    "${pgrun[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
go build -o "$dir/maker" ./cmd/maker

for i in $(seq "$pairs"); do
  /usr/bin/time -f "no journal  wall %e s  cpu %U+%S s" "$dir/maker" hanoi --disks "$disks" -q --no-journal >/dev/null 2>>"$dir/times"
  /usr/bin/time -f "journal     wall %e s  cpu %U+%S s" "$dir/maker" hanoi --disks "$disks" -q --db "$dir/m$i.db" >/dev/null 2>>"$dir/times"
done
grep -E '^(no journal|journal)' "$dir/times"

sqlite3 "$dir/m1.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
bytes=$(stat -c %s "$dir/m1.db")
awk -v b="$bytes" -v s="$steps" 'BEGIN { printf "sqlite      %.1f B/step (%d bytes for %d steps, after wal_checkpoint(TRUNCATE))\n", b / s, b, s }'

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z $pgbin || ! -x $pgbin/initdb ]] || ! command -v psql >/dev/null; then
  echo "postgres    skipped: no PostgreSQL server binaries (/usr/lib/postgresql/N/bin) or psql"
else
  mkdir "$dir/pg"
  if [[ $(id -u) == 0 ]]; then # the server refuses to run as root
    chown postgres "$dir/pg"
    chmod 755 "$dir"
    pgrun=(runuser -u postgres --)
  fi
  pgdata=$dir/pg/data
  port=$(( 20000 + RANDOM % 20000 ))
  "${pgrun[@]}" "$pgbin/initdb" -D "$pgdata" -U maker --auth=trust -E UTF8 --no-sync >/dev/null
  "${pgrun[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$dir/pg/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/pg -c fsync=off" start >/dev/null
  url="postgres://maker@127.0.0.1:$port/postgres?sslmode=disable"
  if ! "$dir/maker" hanoi --disks "$disks" -q --local --db "$url" >/dev/null 2>"$dir/pg/run"; then
    cat "$dir/pg/run" >&2
    exit 1
  fi
  psql -X -q -t -A "$url" -v steps="$steps" <<'SQL'
SELECT format('postgres    %s B/step (%s bytes for %s steps: pg_total_relation_size of %s)',
	round(sum(pg_total_relation_size(c.oid)) / :steps, 1), sum(pg_total_relation_size(c.oid)), :steps,
	string_agg(c.relname, ', ' ORDER BY c.relname))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname IN ('runs', 'sessions', 'steps', 'actions');
SQL
fi

load=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -v "$dir/maker" hanoi --disks "$big" -q --db "$dir/big.db" >/dev/null 2>"$dir/big"
awk -v d="$big" -v load="$load" '
  /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
  /Maximum resident set size/ { rss = $NF }
  END { printf "%d disks    wall %.1f s  peak RSS %.0f MB  (journaled; load average %s at its start)\n", d, wall, rss / 1024, load }' "$dir/big"
