#!/usr/bin/env bash
# Go binding tests: builds build/lib/libapxlate.so (make lib) when missing, then runs `go test`
# (fixtures, API contract, concurrency) under the race detector with Debian's golang-go.
# --asan: `go test -asan` instead (AddressSanitizer; Tests/asan/run.sh sets CC, CGO_CFLAGS,
# CGO_LDFLAGS and the instrumented library), without the vet and cgocheck passes.
set -uo pipefail
mode=race
[ "${1:-}" = --asan ] && mode=asan
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
[ -f "$ROOT/build/lib/libapxlate.so" ] || make -C "$ROOT" lib || exit 1
export CGO_ENABLED=1 GOPROXY=off GOFLAGS=-mod=mod
export GOCACHE=${GOCACHE:-$ROOT/.build-go/cache} GOPATH=${GOPATH:-$ROOT/.build-go/path}
mkdir -p "$ROOT/.build-go"
if [ $mode = race ]; then
  go vet ./... || exit 1
  # The strict cgo pointer checks (no Go pointer kept by C, none stored in C memory).
  GODEBUG=cgocheck=2 go test -count=1 ./... >/dev/null 2>&1 || { GODEBUG=cgocheck=2 go test -count=1 ./... 2>&1 | tail -20; exit 1; }
fi
log="$ROOT/.build-go/test-$mode.log"
go test -count=1 -$mode -v ./... >"$log" 2>&1
status=$?
grep -E '^\s*--- (FAIL|SKIP)|^(FAIL|ok|panic)|^\s+\S+_test\.go:[0-9]+' "$log"
# A sanitizer or runtime crash ends the test binary without a --- FAIL line: show its report.
[ $status = 0 ] || grep -m1 -A40 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:|^fatal error:|^SIGSEGV' "$log"
echo "go: $(grep -cE '^\s*--- PASS' "$log") passed, $(grep -cE '^\s*--- FAIL' "$log") failed, $(grep -cE '^\s*--- SKIP' "$log") skipped (full log: $log)"
exit $status
