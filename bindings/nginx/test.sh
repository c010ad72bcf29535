#!/usr/bin/env bash
# nginx module tests: builds the module (build.sh), runs a real nginx on 127.0.0.1 in front of a
# mock OpenAI-compatible upstream, drives it with the anthropic SDK (pytest, anthropic from PyPI).
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
# APXLATE_LIB: another library directory (the sanitizer run's build/asan/lib).
[ -n "${APXLATE_LIB:-}" ] || [ -f "$ROOT/build/lib/libapxlate.so" ] || make -C "$ROOT" lib || exit 1
PY=${PYTHON:-python3}
exec "$PY" -m pytest -q -p no:cacheprovider test "$@"
