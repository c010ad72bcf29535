#!/usr/bin/env bash
# Runs every test suite (`make test` calls this after building). Each suite runs even when an
# earlier one failed; the last line sums them up.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# The venv .ci/run creates, when present; else the python3 on PATH.
PY=${PYTHON:-python3}
[ -z "${PYTHON:-}" ] && [ -x "$ROOT/.venv-ci/bin/python" ] && PY="$ROOT/.venv-ci/bin/python"
passed=0; failed=0; failures=()

suite() {
  local name=$1; shift
  echo "=== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

# The layering check (grep, instant) runs first: a violation fails the suite without a build.
suite "swift unit and fixture tests (and the layering check)" \
  bash -c 'bash Tests/tools/check_layers.sh && APXLATE_LIB_ONLY=1 swift test'
suite "C ABI tests" bash Tests/c/run.sh
suite "python binding and SDK tests" env APXLATE_LIBRARY="$ROOT/build/lib/libapxlate.so" "$PY" -m pytest -q Tests/python
suite "bench-peers argument checks (no LiteLLM needed)" "$PY" -m pytest -q -p no:cacheprovider Tests/bench/peers
suite "proxy tests" env APXLATE_BIN="$ROOT/build/bin/apxlate" "$PY" -m pytest -q Tests/proxy
suite "real clients (Codex CLI, OpenAI Agents SDK)" env APXLATE_BIN="$ROOT/build/bin/apxlate" PYTHON="$PY" \
  "$PY" -m pytest -q -p no:cacheprovider --durations=0 Tests/clients
suite "fault-injection tests" env APXLATE_BIN="$ROOT/build/bin/apxlate" APXLATE_LIBRARY="$ROOT/build/lib/libapxlate.so" \
  "$PY" -m pytest -q -p no:cacheprovider Tests/faults
suite "load test (small)" env APXLATE_BIN="$ROOT/build/bin/apxlate" "$PY" Tests/load/run.py --check \
  --streams 300 --events 6 --gap 0.1 --soak 3000 --soak-concurrency 50 --max-soak-growth-mb 2
suite "go binding tests" bash bindings/go/test.sh
suite "nginx module tests" env PYTHON="$PY" bash bindings/nginx/test.sh
suite "install and release tarball (make install, make dist, toolchain hidden)" bash Tests/dist/run.sh
suite "fuzz targets (regressions + ${FUZZ_SECONDS:-15}s each)" bash Tests/fuzz/run.sh
suite "C ABI, go and nginx tests under ASan+UBSan" env PYTHON="$PY" bash Tests/asan/run.sh

echo
[ ${#failures[@]} -gt 0 ] && echo "failed suites: ${failures[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
