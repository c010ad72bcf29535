#!/usr/bin/env bash
# C-level tests of libapxlate: builds Tests/c/test_capi.c against include/apxlate.h and
# build/lib/libapxlate.so (run `make lib` first), runs it under valgrind memcheck (unless
# APX_VALGRIND=0), runs Tests/c/test_small_stack.c (deep input on a 128 KiB thread stack; not under
# valgrind, whose own stack use would be measured), then checks the exported symbols and
# dependencies (check_exports.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LIB="$ROOT/build/lib/libapxlate.so"
OUT="$ROOT/build/tests"
[ -f "$LIB" ] || { echo "missing $LIB: run make lib" >&2; exit 1; }
mkdir -p "$OUT"
CC="${CC:-cc}"
"$CC" -std=c11 -Wall -Wextra -Werror -pedantic -O1 -g -I "$ROOT/include" \
  "$ROOT/Tests/c/test_capi.c" -o "$OUT/test_capi" -L "$ROOT/build/lib" -lapxlate -lpthread \
  -Wl,-rpath,"$ROOT/build/lib"
# The header must also compile as C++ (the extern "C" block).
if command -v c++ >/dev/null; then
  echo '#include "apxlate.h"
int main() { return apx_abi_version() == APX_ABI_VERSION ? 0 : 1; }' > "$OUT/cxx_header.cpp"
  c++ -Wall -Wextra -Werror -I "$ROOT/include" "$OUT/cxx_header.cpp" -o "$OUT/cxx_header" \
    -L "$ROOT/build/lib" -lapxlate -Wl,-rpath,"$ROOT/build/lib"
  "$OUT/cxx_header"
fi
# valgrind memcheck: any error or any definite, indirect or possible leak fails the run, except
# the Swift runtime's one-time allocations listed (and explained) in valgrind.supp. Those
# suppressions name functions, so memcheck runs against the unstripped copy of the library that
# `make lib` leaves in .build-lib/<config>/: the one with the same build id (the same link).
# Without valgrind the test runs natively, except in CI (CI=true), where that is a failure.
run_valgrind() {
  build_id() { readelf -n "$1" 2>/dev/null | awk '/Build ID/ { print $3 }'; }
  local want dbg="" c
  want="$(build_id "$LIB")"
  for c in ${APX_UNSTRIPPED_LIB:-} "$ROOT"/.build-lib/*/libapxlate.so "$ROOT"/.build-lib/*/*/libapxlate.so; do
    if [ -n "$want" ] && [ -f "$c" ] && [ "$(build_id "$c")" = "$want" ]; then dbg=$c; break; fi
  done
  if [ -z "$dbg" ]; then
    echo "FAIL valgrind needs the unstripped library of this build (build id ${want:-none}) in" \
      ".build-lib/ or APX_UNSTRIPPED_LIB: run make lib" >&2
    return 1
  fi
  # test_capi needs the library by its SONAME (libapxlate.so.<major>): a directory naming $dbg so.
  local soname
  soname="$(readelf -d "$dbg" | sed -n 's/.*soname: \[\(.*\)\]/\1/p')"
  mkdir -p "$OUT/unstripped"
  ln -sfn "$dbg" "$OUT/unstripped/${soname:-libapxlate.so}"
  LD_LIBRARY_PATH="$OUT/unstripped${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    valgrind -q --error-exitcode=3 --leak-check=full \
      --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
      --suppressions="$ROOT/Tests/c/valgrind.supp" --num-callers=30 "$OUT/test_capi"
}
if [ "${APX_VALGRIND:-1}" = 0 ]; then
  "$OUT/test_capi"
elif command -v valgrind >/dev/null; then
  run_valgrind
  echo "ok   valgrind memcheck: no error, no leak"
elif [ "${CI:-}" = true ]; then
  echo "FAIL valgrind is not installed (CI=true: the memcheck run is required; .ci/run installs it)" >&2
  exit 1
else
  echo "note: valgrind is not installed: running test_capi without memcheck" >&2
  "$OUT/test_capi"
fi
# Deep documents on a 128 KiB thread stack (musl's default): no crash, limit errors past 512.
"$CC" -std=c11 -Wall -Wextra -Werror -pedantic -O1 -g -D_GNU_SOURCE -I "$ROOT/include" \
  "$ROOT/Tests/c/test_small_stack.c" -o "$OUT/test_small_stack" -L "$ROOT/build/lib" -lapxlate -lpthread \
  -Wl,-rpath,"$ROOT/build/lib"
"$OUT/test_small_stack"
bash "$ROOT/Tests/c/check_exports.sh" "$LIB" "$ROOT/include/apxlate.h"
