#!/usr/bin/env bash
# `make test-asan`: the C ABI tests, the Go binding tests, the nginx module tests and the Python
# binding's tests under AddressSanitizer + UndefinedBehaviorSanitizer. Any report fails the run:
# UBSan is built with -fno-sanitize-recover=all and both run with halt_on_error=1.
#
# What is instrumented:
#  - the library itself: `swift build --sanitize address` (static stdlib, the release export
#    list) in its own scratch path .build-asan, copied to build/asan/lib. Its Swift and C code
#    checks every load and store, so reading past a caller's buffer fails inside the library.
#    Swift has no -sanitize=undefined on Linux; Swift code traps on overflow by itself.
#    Linked with -z nodelete: nginx dlcloses its modules when a cycle ends, and an unloaded
#    library takes the Swift runtime's globals with it, so LeakSanitizer would report every
#    runtime allocation they held (and could not even name the frames of the unloaded code).
#  - every C harness and the nginx module: -fsanitize=address,undefined.
# One compiler for all of it, the Swift toolchain's clang, so that the library and the harnesses
# share one ASan runtime version (clang's static runtime in each test executable; nginx, which is
# Debian's and not instrumented, gets libclang_rt.asan-x86_64.so through LD_PRELOAD).
#
# Leak checking: on for the C ABI tests and for nginx's master and workers (LSan at exit; see
# lsan-nginx.supp); off for CPython, which does not free its heap at exit, and for Go 1.19, whose
# -asan mode neither scans the Go heap for references into C memory nor runs LSan at exit (leaks
# there are the C ABI tests' and valgrind's job).
#
# Usage: bash Tests/asan/run.sh [capi|go|nginx|python]...   (default: all four)
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT="$ROOT/build/asan"
SWIFT=${SWIFT:-swift}
TOOLS=$(dirname "$(readlink -f "$(command -v "$SWIFT")")")
CC_ASAN=${ASAN_CC:-$TOOLS/clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
RUNTIME=$("$CC_ASAN" -print-file-name=libclang_rt.asan-x86_64.so)
[ -f "$RUNTIME" ] || { echo "no ASan runtime next to $CC_ASAN ($RUNTIME)" >&2; exit 1; }
export ASAN_SYMBOLIZER_PATH="$TOOLS/llvm-symbolizer"
ASAN_BASE="halt_on_error=1:abort_on_error=0:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

build_library() {
  echo "--- instrumented library (.build-asan)"
  APXLATE_LIB_ONLY=1 nice -n 5 "$SWIFT" build -c release --scratch-path "$ROOT/.build-asan" --sanitize address \
    -Xswiftc -static-stdlib -Xlinker --version-script="$ROOT/Sources/SwiftTranslate/CABI/exports.map" \
    -Xlinker -soname=libapxlate.so -Xlinker --gc-sections -Xlinker -z -Xlinker nodelete --product apxlate >"$OUT/swift-build.log" 2>&1 \
    || { tail -30 "$OUT/swift-build.log" >&2; return 1; }
  mkdir -p "$OUT/lib" "$OUT/include"
  cp "$ROOT/.build-asan/release/libapxlate.so" "$OUT/lib/libapxlate.so"
  cp "$ROOT/include/apxlate.h" "$OUT/include/apxlate.h"
  # The instrumented library must call the ASan runtime (undefined __asan_* symbols, provided
  # by the executable) and must not carry a runtime of its own.
  [ "$(nm -D --undefined-only "$OUT/lib/libapxlate.so" | grep -c " __asan_report_load")" -gt 0 ] \
    || { echo "FAIL $OUT/lib/libapxlate.so is not instrumented" >&2; return 1; }
}

run_capi() {
  echo "--- C ABI tests (Tests/c/test_capi.c)"
  mkdir -p "$OUT/tests"
  # shellcheck disable=SC2086
  "$CC_ASAN" -std=c11 -Wall -Wextra -Werror -pedantic -O1 $SAN -fuse-ld=lld -I "$OUT/include" \
    "$ROOT/Tests/c/test_capi.c" -o "$OUT/tests/test_capi" -L "$OUT/lib" -lapxlate -lpthread \
    -Wl,-rpath,"$OUT/lib" || return 1
  ASAN_OPTIONS="$ASAN_BASE:detect_leaks=1" "$OUT/tests/test_capi"
}

run_go() {
  echo "--- Go binding tests (go test -asan)"
  # The package's own #cgo LDFLAGS name build/lib; CGO_LDFLAGS come first on the link line and
  # LD_LIBRARY_PATH wins over the run path, so the instrumented library is the one linked and loaded.
  CC="$CC_ASAN" CGO_CFLAGS="-O1 $SAN" CGO_LDFLAGS="$SAN -fuse-ld=lld -L$OUT/lib -Wl,-rpath,$OUT/lib" \
    LD_LIBRARY_PATH="$OUT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    ASAN_OPTIONS="$ASAN_BASE:detect_leaks=0" bash "$ROOT/bindings/go/test.sh" --asan
}

run_nginx() {
  echo "--- nginx module tests (module with ASan+UBSan, runtime preloaded into nginx)"
  local logs="$OUT/nginx-reports"
  rm -rf "$logs"; mkdir -p "$logs"
  # Every nginx process (master, workers, `nginx -t`, `-s reload`) writes its reports to
  # $logs/report.<pid>; any file there fails the run, whatever pytest said (a worker that dies on
  # a report is respawned by the master and a test may still pass). The module is linked with
  # -z nodelete like the library, so that leak reports can still name its frames at exit.
  APXLATE_NGINX_BUILD="$ROOT/.build-nginx-asan" APXLATE_LIB="$OUT/lib" APXLATE_INC="$OUT/include" \
    NGINX_CC="$CC_ASAN" NGINX_CC_OPT="-O1 $SAN" NGINX_LD_OPT="$SAN -fuse-ld=lld -Wl,-z,nodelete" \
    APXLATE_NGINX_PRELOAD="$RUNTIME" \
    ASAN_OPTIONS="$ASAN_BASE:detect_leaks=1:log_path=$logs/report" \
    LSAN_OPTIONS="suppressions=$ROOT/Tests/asan/lsan-nginx.supp:print_suppressions=0" \
    UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$logs/report" \
    PYTHON="$PY" bash "$ROOT/bindings/nginx/test.sh"
  local status=$?
  if compgen -G "$logs/report.*" >/dev/null; then
    echo "FAIL sanitizer reports from nginx processes:" >&2
    for f in "$logs"/report.*; do echo "== $f" >&2; head -60 "$f" >&2; done
    return 1
  fi
  echo "ok   no sanitizer report from any nginx process"
  return $status
}

run_python() {
  echo "--- Python binding tests (ctypes; runtime preloaded into python)"
  # The binding's own tests only: the SDK tests import Rust extensions (jiter) that crash when
  # the ASan runtime is preloaded.
  LD_PRELOAD="$RUNTIME" ASAN_OPTIONS="$ASAN_BASE:detect_leaks=0" APXLATE_LIBRARY="$OUT/lib/libapxlate.so" \
    "$PY" -m pytest -q -p no:cacheprovider "$ROOT"/Tests/python/test_binding*.py
}

mkdir -p "$OUT"
PY=${PYTHON:-python3}
[ -z "${PYTHON:-}" ] && [ -x "$ROOT/.venv-ci/bin/python" ] && PY="$ROOT/.venv-ci/bin/python"
parts=("$@"); [ ${#parts[@]} -gt 0 ] || parts=(capi go nginx python)
build_library || exit 1
failed=()
for p in "${parts[@]}"; do
  case $p in
    capi) run_capi || failed+=(capi) ;;
    go) run_go || failed+=(go) ;;
    nginx) run_nginx || failed+=(nginx) ;;
    python) run_python || failed+=(python) ;;
    *) echo "unknown part $p (capi, go, nginx, python)" >&2; exit 2 ;;
  esac
done
[ ${#failed[@]} -eq 0 ] && { echo "asan: ${parts[*]} clean"; exit 0; }
echo "asan: failed: ${failed[*]}"
exit 1
