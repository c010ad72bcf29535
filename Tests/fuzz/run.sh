#!/usr/bin/env bash
# Builds and runs the libFuzzer targets (see Tests/fuzz/README.md).
#
#   Tests/fuzz/run.sh            build, replay Tests/fuzz/regressions/**, fuzz every target FUZZ_SECONDS
#   Tests/fuzz/run.sh build      only build the instrumented library and the targets
#   Tests/fuzz/run.sh replay     only build and replay the regression files
#
# Environment:
#   FUZZ_SECONDS   seconds per target (default 15)
#   FUZZ_TARGETS   space-separated targets (default: every Tests/fuzz/fuzz_*.c)
#   FUZZ_PARALLEL  targets fuzzed at the same time (default 2)
#   FUZZ_FORK      0: stop at the first crash (CI); N>0: libFuzzer -fork=N, going on past crashes,
#                  timeouts and OOMs (the long campaign), all saved under $FUZZ_OUT/artifacts
#   FUZZ_OUT       work directory (default build/fuzz): bin/, corpus/, artifacts/, logs/
#   FUZZ_NICE      nice level of the fuzzing processes (default 0)
#   FUZZ_SEED      libFuzzer's -seed for the short run (default 1; the campaign uses random seeds)
# Exit status: nonzero when a regression file fails or a target finds a crash, leak, timeout or OOM.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
MODE=${1:-all}
SECONDS_PER=${FUZZ_SECONDS:-15}
PARALLEL=${FUZZ_PARALLEL:-2}
FORK=${FUZZ_FORK:-0}
OUT=${FUZZ_OUT:-$ROOT/build/fuzz}
NICE=${FUZZ_NICE:-0}
SWIFT=${SWIFT:-swift}
TOOLCHAIN_BIN=$(dirname "$(readlink -f "$(command -v "$SWIFT")")")
CLANG=${FUZZ_CC:-$TOOLCHAIN_BIN/clang}
LIBDIR=$ROOT/.build-fuzz/release
FZ=$ROOT/Tests/fuzz
TARGETS=${FUZZ_TARGETS:-$(cd "$FZ" && ls fuzz_*.c | sed 's/\.c$//' | tr '\n' ' ')}

log() { echo "[fuzz] $*"; }

build() {
  # The library with Swift coverage (libFuzzer's inline 8-bit counters, comparisons) and ASan;
  # the harnesses link it, so `cov:` counts Swift edges. Its own scratch path: the release
  # library in .build-lib stays as it is.
  log "building the instrumented library (.build-fuzz)"
  APXLATE_LIB_ONLY=1 "$SWIFT" build -c release --scratch-path .build-fuzz --product apxlate \
    -Xswiftc -static-stdlib -Xswiftc -sanitize=fuzzer,address \
    -Xlinker --version-script="$ROOT/Sources/SwiftTranslate/CABI/exports.map" -Xlinker -soname=libapxlate.so \
    || return 1
  if ! nm -D "$LIBDIR/libapxlate.so" | grep __sanitizer_cov_8bit_counters_init >/dev/null; then
    log "the library has no coverage instrumentation"; return 1
  fi
  # A copy per work directory, so a rebuild does not change the library under a running campaign.
  mkdir -p "$OUT/bin" "$OUT/lib"
  cp "$LIBDIR/libapxlate.so" "$OUT/lib/libapxlate.so.new" && mv "$OUT/lib/libapxlate.so.new" "$OUT/lib/libapxlate.so"
  local t
  for t in $TARGETS; do
    "$CLANG" -g -O1 -Wall -Wextra -Werror -Wno-string-concatenation -fuse-ld=lld \
      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
      -I"$ROOT/include" "$FZ/$t.c" -L"$OUT/lib" -lapxlate -Wl,-rpath,'$ORIGIN/../lib' -o "$OUT/bin/$t" || return 1
  done
  log "built: $TARGETS"
}

# libFuzzer flags shared by replay and fuzzing: a crash, leak, timeout (10 s for one input) or
# more than 2 GB RSS is a failure.
COMMON_FLAGS=(-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -error_exitcode=77 -timeout_exitcode=78 -detect_leaks=1)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:handle_sigill=1:handle_abort=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

# The target a regression file belongs to: the nearest directory of its path named after a
# target; files under no such directory go through every target.
targets_for() {
  local rel=${1#"$FZ/regressions/"}
  local d
  for d in $(dirname "$rel" | tr '/' ' '); do
    case " $TARGETS " in *" $d "*) echo "$d"; return ;; esac
  done
  echo "$TARGETS"
}

replay() {
  [ -d "$FZ/regressions" ] || return 0
  local failed=0 n=0 f t
  while IFS= read -r -d '' f; do
    case $(basename "$f") in README*|*.md) continue ;; esac
    for t in $(targets_for "$f"); do
      n=$((n + 1))
      if ! "$OUT/bin/$t" "${COMMON_FLAGS[@]}" -runs=1 "$f" >"$OUT/replay.log" 2>&1; then
        log "REGRESSION FAILS: $t ${f#"$ROOT/"}"
        grep -E 'ERROR|invariant|runtime failure|SUMMARY|#[0-9]+ .* in \$s14SwiftTranslate' "$OUT/replay.log" | head -8 | sed 's/^/    /'
        failed=$((failed + 1))
      fi
    done
  done < <(find "$FZ/regressions" -type f -print0 | sort -z)
  log "replayed $n regression runs, $failed failed"
  [ "$failed" = 0 ]
}

fuzz_one() {
  local t=$1
  local corpus=$OUT/corpus/$t art=$OUT/artifacts/$t/ logf=$OUT/logs/$t.log
  mkdir -p "$corpus" "$art" "$OUT/logs"
  local extra=()
  if [ "$FORK" != 0 ]; then
    extra=(-fork="$FORK" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  else
    # The short CI run is reproducible (FUZZ_SEED, default 1): it guards what is known to pass;
    # the campaign (fork mode) explores with random seeds.
    extra=(-seed="${FUZZ_SEED:-1}")
  fi
  local TIMEFORMAT='%U %S'
  { time nice -n "$NICE" "$OUT/bin/$t" "${COMMON_FLAGS[@]}" "${extra[@]}" -max_total_time="$SECONDS_PER" \
      -max_len=16384 -dict="$FZ/apxlate.dict" -artifact_prefix="$art" -print_final_stats=1 \
      "$corpus" >"$logf" 2>&1; echo "exit $?" >>"$logf"; } 2>"$OUT/logs/$t.cpu"
  local rc
  rc=$(tail -1 "$logf" | sed 's/exit //')
  if [ "$rc" = 0 ]; then log "$t: ok"; else log "$t: FAILED (exit $rc), see ${logf#"$ROOT/"} and ${art#"$ROOT/"}"; fi
  [ "$rc" = 0 ]
}

run_all() {
  mkdir -p "$OUT/corpus"
  python3 "$FZ/make_corpus.py" "$OUT/corpus" >/dev/null || return 1
  log "fuzzing $(echo $TARGETS | wc -w) targets for ${SECONDS_PER}s each, $PARALLEL at a time"
  export -f fuzz_one log
  export OUT FZ ROOT FORK SECONDS_PER NICE ASAN_OPTIONS UBSAN_OPTIONS
  local flags="${COMMON_FLAGS[*]}"
  # xargs runs each target in its own bash; COMMON_FLAGS is rebuilt there.
  echo $TARGETS | tr ' ' '\n' | grep . | xargs -P "$PARALLEL" -I{} \
    bash -c 'COMMON_FLAGS=('"$flags"'); fuzz_one "$1"' _ {}
  local rc=$?
  python3 "$FZ/report.py" "$OUT"
  return $rc
}

case $MODE in
  build) build ;;
  replay) build && replay ;;
  all)
    build || exit 1
    replay; r1=$?
    run_all; r2=$?
    [ $r1 = 0 ] && [ $r2 = 0 ]
    ;;
  fuzz) run_all ;;
  *) echo "usage: $0 [all|build|replay|fuzz]" >&2; exit 2 ;;
esac
