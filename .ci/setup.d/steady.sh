#!/usr/bin/env bash
# Installs steady (npm @stdy/cli), the OpenAPI mock server the official
# Anthropic SDKs are tested against, into .cache/npm. The anthropic package's
# contract test runs our adapter against it, serving the API spec that ships
# inside anthropic-sdk-go. Idempotent: does nothing when the pinned version is
# already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=0.22.2 # the version anthropic-sdk-go's own scripts/mock pins
dir=.cache/npm
bin="$dir/node_modules/.bin/steady"

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -qF "$version"; then
  echo "steady $version already installed in $dir"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@stdy/cli@$version"
"$bin" --version
