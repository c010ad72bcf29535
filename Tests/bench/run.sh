#!/usr/bin/env bash
# Benchmarks of libapxlate from C and from Python (prints tables; not a timed test).
# Needs build/lib/libapxlate.so (make lib). BENCH_RUNS sets the runs per row (median; default 7);
# BENCH_SWIFT=0 skips the Swift JSON-engine benchmark (it builds the library in release first).
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
echo "== apxlate benchmarks ($(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)) =="
"$OUT/bench" "$OUT/data" "$RUNS"
echo
APXLATE_LIBRARY="$LIB" python3 "$ROOT/Tests/bench/bench.py" "$OUT/data" "$RUNS"
if [ "${BENCH_SWIFT:-1}" != 0 ] && command -v swift >/dev/null; then
  echo
  echo "Swift JSON engine (release; Tests/bench/swift), median of 7 runs"
  (cd "$ROOT/Tests/bench/swift" && APXLATE_LIB_ONLY=1 swift build -c release --scratch-path "$ROOT/.build-bench" >/dev/null)
  "$ROOT/.build-bench/release/json-bench" "$OUT/data/anthropic_50k.json" "$OUT/data/anthropic_1m.json" \
    "$OUT/data/chat_50k.json" "$OUT/data/chat_response.json" "$OUT/data/agentic_400.json"
fi
if [ "${BENCH_PROXY:-1}" != 0 ] && [ -x "$ROOT/build/bin/apxlate" ] && command -v wrk >/dev/null && command -v nginx >/dev/null; then
  echo
  echo "apxlate serve vs the mock upstream alone (Tests/bench/proxy_bench.sh; BENCH_PROXY=0 skips)"
  bash "$ROOT/Tests/bench/proxy_bench.sh"
fi
