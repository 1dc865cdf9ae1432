#!/usr/bin/env bash
# Installs @dwmkerr/mock-llm, the OpenAI-compatible mock server that the
# openai package's contract test runs against, into .cache/npm (gitignored).
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=0.1.29
dir=.cache/npm
pkg="$dir/node_modules/@dwmkerr/mock-llm/package.json"
if [ -f "$pkg" ] && grep -q "\"version\": \"$version\"" "$pkg"; then
  echo "mock-llm $version already installed in $dir"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
  fi
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "@dwmkerr/mock-llm@$version"
echo "mock-llm $version installed in $dir"
