#!/usr/bin/env bash
# `make bench-peers`: apxlate and LiteLLM side by side in one run (Tests/bench/peers/run.py; --help
# lists the options). Makes .venv-peers with the pinned LiteLLM (requirements.txt; reinstalled only
# when that file changes), then runs the benchmark with it. Needs make (build/lib, build/bin), wrk,
# nginx, ss, taskset. Downloads LiteLLM from PyPI on the first run: not part of CI.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE="$ROOT/Tests/bench/peers"
for a in "$@"; do  # argument errors and --help need no venv
  case $a in -h|--help) exec "${PYTHON:-python3}" "$HERE/run.py" --help;; esac
done
"${PYTHON:-python3}" -c 'import sys; sys.path.insert(0, sys.argv[1]); import run; run.parse_args(sys.argv[2:])' "$HERE" "$@"
VENV=${PEERS_VENV:-$ROOT/.venv-peers}
REQ="$HERE/requirements.txt"
if ! cmp -s "$REQ" "$VENV/.peers-requirements" 2>/dev/null; then
  echo "setting up $VENV (LiteLLM from PyPI; a few minutes the first time)" >&2
  [ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ"
  cp "$REQ" "$VENV/.peers-requirements"
fi
exec "$VENV/bin/python" "$HERE/run.py" "$@"
