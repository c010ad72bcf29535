#!/usr/bin/env bash
# Go rows of the benchmark table: per-call time and throughput through cgo.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
[ -f "$ROOT/build/lib/libapxlate.so" ] || make -C "$ROOT" lib
export CGO_ENABLED=1 GOPROXY=off GOCACHE=${GOCACHE:-$ROOT/.build-go/cache} GOPATH=${GOPATH:-$ROOT/.build-go/path}
go test -run '^$' -bench . -benchmem -benchtime=${BENCHTIME:-2s} ./...
