#!/usr/bin/env bash
# nginx rows of the benchmark table: wrk against one nginx worker, a plain proxy_pass location
# against the same location with apxlate (request translated, response translated), the upstream
# being a static location of the same nginx. Per-request translation cost = 1/rps(apxlate) -
# 1/rps(plain) with the worker's core saturated.
#   APX_BENCH_TO=openai-chat (default; falls back to anthropic, a passthrough, when the library
#   cannot translate yet)   APX_BENCH_REQUEST=<file> to use another request   DURATION=5s
#   APX_BENCH_BODY: the http block's body settings (default "client_max_body_size 8m;
#   client_body_buffer_size 1m;"; " " for nginx's own defaults, as a new user's configuration)
#   APX_BENCH_MODULE: an already built module (default: build.sh)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MODULE=${APX_BENCH_MODULE:-$(bash "$HERE/build.sh" | tail -1)}
BODY_CONF=${APX_BENCH_BODY:-client_max_body_size 8m; client_body_buffer_size 1m;}
W=$(mktemp -d /tmp/apxlate-nginx-bench.XXXXXX)
trap 'nginx -p "$W" -c "$W/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$W"' EXIT
PY=${PYTHON:-python3}
REQ=${APX_BENCH_REQUEST:-$W/request.json}
[ -f "$REQ" ] || "$PY" "$HERE/bench_request.py" request >"$REQ"
"$PY" "$HERE/bench_request.py" openai >"$W/openai.json"
"$PY" "$HERE/bench_request.py" anthropic >"$W/anthropic.json"
"$PY" "$HERE/bench_request.py" sse >"$W/sse.txt"
"$PY" "$HERE/bench_request.py" stream-request >"$W/stream-request.json"
port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(port); U=$(port)
USER_LINE=""; [ "$(id -u)" = 0 ] && USER_LINE="user root;"

run() { # $1 = upstream format
  cat >"$W/nginx.conf" <<CONF
$USER_LINE
worker_processes 1;
pid $W/nginx.pid;
error_log $W/error.log warn;
load_module $MODULE;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $W/body; proxy_temp_path $W/proxy;
  fastcgi_temp_path $W/f; uwsgi_temp_path $W/u; scgi_temp_path $W/s;
  $BODY_CONF
  upstream up { server 127.0.0.1:$U; keepalive 32; }
  server {
    listen 127.0.0.1:$U;
    location = /openai { default_type application/json; alias $W/openai.json; }
    location = /anthropic { default_type application/json; alias $W/anthropic.json; }
    location = /sse { default_type text/event-stream; alias $W/sse.txt; }
  }
  server {
    listen 127.0.0.1:$P;
    proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Accept-Encoding "";
    proxy_method GET;   # the static upstream serves files; the translated body is still built and sent
    location = /plain { proxy_pass http://up/$2; }
    location = /plain-sse { proxy_pass http://up/sse; }
    location = /stream { apxlate on; apxlate_from anthropic; apxlate_to $1;
      apxlate_config $W/apxlate.json; proxy_pass http://up/sse; }
    location = /v1/messages { apxlate on; apxlate_from anthropic; apxlate_to $1;
      apxlate_config $W/apxlate.json; proxy_pass http://up/$2; }
  }
}
CONF
  echo '{"models":{"big":"gpt-4.1"}}' >"$W/apxlate.json"
  nginx -p "$W" -c "$W/nginx.conf" -e "$W/error.log"
  sleep 0.3
}

post_lua() { # $1 = body file
  cat <<LUA
local f = io.open("$1", "rb"); wrk.body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.headers["Content-Type"] = "application/json"
LUA
}
post_lua "$REQ" >"$W/post.lua"
post_lua "$W/stream-request.json" >"$W/post-stream.lua"

TO=${APX_BENCH_TO:-openai-chat}
UPFILE=openai; [ "$TO" = anthropic ] && UPFILE=anthropic
run "$TO" "$UPFILE"
code=$(curl -s -o "$W/out.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$REQ" "http://127.0.0.1:$P/v1/messages")
if [ "$code" != 200 ] && [ "$TO" != anthropic ]; then
  echo "# anthropic -> $TO not available in this library build ($code: $(head -c 200 "$W/out.json")); measuring the passthrough"
  nginx -p "$W" -c "$W/nginx.conf" -s stop; sleep 0.3
  TO=anthropic; UPFILE=anthropic; run anthropic anthropic
  code=$(curl -s -o "$W/out.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$REQ" "http://127.0.0.1:$P/v1/messages")
fi
[ "$code" = 200 ] || { echo "apxlate location answered $code: $(cat "$W/out.json")"; exit 1; }
BYTES=$(stat -c %s "$REQ")
D=${DURATION:-5s}
rps() { wrk -t1 -c8 -d"$D" -s "${2:-$W/post.lua}" "$1" | awk '/Requests\/sec/ {print $2}'; }
plain=$(rps "http://127.0.0.1:$P/plain")
apx=$(rps "http://127.0.0.1:$P/v1/messages")
"$PY" - "$plain" "$apx" "$BYTES" "$TO" <<'PYEOF'
import sys
plain, apx, size, to = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
cost = (1 / apx - 1 / plain) * 1e6
print(f"| nginx, 1 worker, {size // 1024} KB request anthropic -> {to} + response back | plain proxy {plain:,.0f} req/s | "
      f"apxlate {apx:,.0f} req/s | translation ~{cost:,.1f} us/request | {apx * size / 1e6:,.0f} MB/s of requests |")
PYEOF

# The SSE row: a 500-event OpenAI stream translated for an Anthropic client, per event.
code=$(curl -s -o "$W/out.sse" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$W/stream-request.json" "http://127.0.0.1:$P/stream")
if [ "$TO" = openai-chat ] && [ "$code" = 200 ] && grep -q message_stop "$W/out.sse"; then
  splain=$(rps "http://127.0.0.1:$P/plain-sse" "$W/post-stream.lua")
  sapx=$(rps "http://127.0.0.1:$P/stream" "$W/post-stream.lua")
  "$PY" - "$splain" "$sapx" "$(stat -c %s "$W/sse.txt")" <<'PYEOF'
import sys
plain, apx, size = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
cost = (1 / apx - 1 / plain) * 1e6
print(f"| nginx, 1 worker, SSE 500 events openai-chat -> anthropic | plain proxy {plain:,.0f} streams/s | "
      f"apxlate {apx:,.0f} streams/s | ~{cost / 500:,.2f} us/event | {apx * size / 1e6:,.0f} MB/s of upstream SSE |")
PYEOF
else
  echo "# SSE row skipped: streams not available in this library build ($code)"
fi
