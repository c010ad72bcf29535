#!/usr/bin/env bash
# Benchmarks of libapxlate from C and from Python (prints tables; not a timed test).
# Needs build/lib/libapxlate.so (make lib). BENCH_RUNS sets the runs per row (median; default 7).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/build/bench"
LIB="$ROOT/build/lib/libapxlate.so"
RUNS="${BENCH_RUNS:-7}"
[ -f "$LIB" ] || { echo "missing $LIB: run make lib" >&2; exit 1; }
mkdir -p "$OUT/data"
python3 "$ROOT/Tests/bench/gen_inputs.py" "$OUT/data"
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -I "$ROOT/include" "$ROOT/Tests/bench/bench.c" -o "$OUT/bench" \
  -L "$ROOT/build/lib" -lapxlate -Wl,-rpath,"$ROOT/build/lib"
echo "== apxlate benchmarks ($(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ)) =="
"$OUT/bench" "$OUT/data" "$RUNS"
echo
APXLATE_LIBRARY="$LIB" python3 "$ROOT/Tests/bench/bench.py" "$OUT/data" "$RUNS"
