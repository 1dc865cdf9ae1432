#!/usr/bin/env bash
# Headless Chromium for the report package's browser test (report/browser_test.go):
# it opens a generated report and checks every chart is drawn with no console error.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium fonts-dejavu-core
