#!/usr/bin/env bash
# Jaeger (the v2 all-in-one, an OpenTelemetry Collector build) for the
# tracing tests in cmd/maker (TestOTelJaeger, TestOTelFleet): each starts its
# own Jaeger with a --config that puts the OTLP/HTTP receiver and the query
# API on free loopback ports (nothing on the defaults 4317/4318/16686), and
# reads the run's trace back through the query API. Built from source through the module proxy, as a tool of a throwaway
# module (jaeger's own go.mod has replace directives, so `go install pkg@v`
# refuses it), which keeps its dependencies out of this module's go.mod. The
# build is large (several minutes on two cores). Idempotent: does nothing when
# the pinned version is already installed.
set -euo pipefail
version=v1.75.0
bin="$(go env GOPATH)/bin/jaeger"
if [ -x "$bin" ] && [ -f "$bin.version" ] && [ "$(cat "$bin.version")" = "$version" ]; then
  echo "jaeger $version already installed at $bin"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export GOFLAGS=-buildvcs=false
go mod init jaegertool >/dev/null 2>&1
go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$version"
mkdir -p "$(dirname "$bin")"
go build -o "$bin" github.com/jaegertracing/jaeger/cmd/jaeger
echo "$version" >"$bin.version"
echo "jaeger $version installed at $bin"
