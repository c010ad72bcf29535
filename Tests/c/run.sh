#!/usr/bin/env bash
# C-level tests of libapxlate: builds Tests/c/test_capi.c against include/apxlate.h and
# build/lib/libapxlate.so (run `make lib` first), runs it (under valgrind when available and
# APX_VALGRIND is not 0), runs Tests/c/test_small_stack.c (deep input on a 128 KiB thread stack;
# not under valgrind, whose own stack use would be measured), then checks the exported symbols
# and dependencies (check_exports.sh).
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
if [ "${APX_VALGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
  valgrind -q --error-exitcode=3 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
    "$OUT/test_capi"
else
  "$OUT/test_capi"
fi
# Deep documents on a 128 KiB thread stack (musl's default): no crash, limit errors past 512.
"$CC" -std=c11 -Wall -Wextra -Werror -pedantic -O1 -g -D_GNU_SOURCE -I "$ROOT/include" \
  "$ROOT/Tests/c/test_small_stack.c" -o "$OUT/test_small_stack" -L "$ROOT/build/lib" -lapxlate -lpthread \
  -Wl,-rpath,"$ROOT/build/lib"
"$OUT/test_small_stack"
bash "$ROOT/Tests/c/check_exports.sh" "$LIB" "$ROOT/include/apxlate.h"
