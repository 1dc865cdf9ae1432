#!/usr/bin/env bash
# Installs openapi-typescript and TypeScript (npm) into .cache/npm: the
# server's test generates a TypeScript client from server/openapi.json and
# type-checks a request and a summary read with tsc --noEmit. Idempotent:
# does nothing when the pinned versions are already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

generator=7.13.0
typescript=5.9.3
dir=.cache/npm
gen="$dir/node_modules/.bin/openapi-typescript"
tsc="$dir/node_modules/.bin/tsc"

if [ -x "$gen" ] && [ -x "$tsc" ] && "$gen" --version 2>/dev/null | grep -qF "$generator" &&
  "$tsc" --version 2>/dev/null | grep -qF "$typescript"; then
  echo "openapi-typescript $generator and typescript $typescript already installed in $dir"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "openapi-typescript@$generator" "typescript@$typescript"
"$gen" --version
"$tsc" --version
