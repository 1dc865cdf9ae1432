#!/usr/bin/env bash
# promtool (Debian's prometheus package) for the test that holds the
# service's /metrics to `promtool check metrics` (server/metrics_promtool_test.go).
# Only the binary is used: the package's own server is stopped and disabled
# where the package manager started it. Idempotent.
set -euo pipefail
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
