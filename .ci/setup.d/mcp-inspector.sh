#!/usr/bin/env bash
# Installs the MCP Inspector (npm @modelcontextprotocol/inspector), the
# independent MCP client that cmd/maker's MCP test drives `maker mcp` and
# `maker serve`'s /mcp with (its --cli mode), into .cache/npm (gitignored).
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=2.12.0
dir=.cache/npm
pkg="$dir/node_modules/@modelcontextprotocol/inspector/package.json"

if [ -f "$pkg" ] && grep -q "\"version\": \"$version\"" "$pkg"; then
  echo "mcp-inspector $version already installed in $dir"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@modelcontextprotocol/inspector@$version"
"$dir/node_modules/.bin/mcp-inspector" --cli --version
