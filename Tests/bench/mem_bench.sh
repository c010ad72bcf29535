#!/usr/bin/env bash
# Peak RSS of one-shot translations of large bodies (one big string; many small blocks), per
# direction: prints one line per case (Tests/bench/mem_bench.c). MEM_MB sets the body size
# (default 50); APX_LIB_DIR another library directory (to compare builds).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LIBDIR="${APX_LIB_DIR:-$ROOT/build/lib}"
OUT="$ROOT/build/bench"
MB="${MEM_MB:-50}"
mkdir -p "$OUT/big"
python3 "$ROOT/Tests/bench/gen_big.py" "$OUT/big" "$MB"
"${CC:-cc}" -std=c11 -O2 -Wall -Wextra -I "$ROOT/include" "$ROOT/Tests/bench/mem_bench.c" -o "$OUT/mem_bench" \
  -L "$LIBDIR" -lapxlate -Wl,-rpath,"$LIBDIR"
# A body over the default limit (64 MiB) needs a larger one.
CONFIG='{"limits":{"max_body_bytes":1073741824}}'
[ "${MEM_DEFAULT_CONFIG:-0}" = 1 ] && CONFIG=''
run() { "$OUT/mem_bench" "$@" "$CONFIG" || true; }
run request anthropic openai-chat "$OUT/big/anthropic_req_big.json"
run request anthropic openai-chat "$OUT/big/anthropic_req_small.json"
run request anthropic openai-responses "$OUT/big/anthropic_req_big.json"
run request anthropic anthropic "$OUT/big/anthropic_req_big.json"
run request openai-chat anthropic "$OUT/big/chat_req_big.json"
run request openai-chat anthropic "$OUT/big/chat_req_small.json"
run request openai-chat openai-responses "$OUT/big/chat_req_small.json"
run request openai-responses anthropic "$OUT/big/responses_req_big.json"
run response openai-chat anthropic "$OUT/big/chat_resp_big.json"
run response anthropic openai-chat "$OUT/big/anthropic_resp_big.json"
run response anthropic openai-chat "$OUT/big/anthropic_resp_small.json"
run response anthropic openai-responses "$OUT/big/anthropic_resp_small.json"
run response openai-responses anthropic "$OUT/big/responses_resp_big.json"
run count anthropic none "$OUT/big/anthropic_req_small.json"
