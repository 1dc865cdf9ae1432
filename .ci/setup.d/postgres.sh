#!/usr/bin/env bash
# PostgreSQL server binaries for the journal's PostgreSQL tests (postgres/,
# cmd/maker): the tests start a throwaway cluster of their own in a
# temporary directory (internal/pgtest), so no server is started here, and
# the package's own cluster is left alone. Idempotent.
set -euo pipefail
if compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends postgresql
