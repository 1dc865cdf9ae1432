#!/usr/bin/env bash
# Installs Redocly CLI (npm @redocly/cli), the OpenAPI linter the server's
# test runs on server/openapi.json, into .cache/npm. Idempotent: does nothing
# when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=2.77.0
dir=.cache/npm
bin="$dir/node_modules/.bin/redocly"

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -qF "$version"; then
  echo "redocly $version already installed in $dir"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@redocly/cli@$version"
"$bin" --version
