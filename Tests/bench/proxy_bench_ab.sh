#!/usr/bin/env bash
# A/B of two proxy builds on the proxy benchmark's cases (Tests/bench/proxy_bench.sh: ~50 KB
# Claude-Code-shaped bodies, an nginx mock with canned answers): both proxies run at once against
# the same mock and take turns (the order alternates every round, so that drifting load on a
# shared machine favours neither); medians of ROUNDS runs. Per case: requests/s and proxy CPU per
# request with CONNS connections, added p50/p99 latency (over the mock's median) with one.
# Usage: A=/path/to/old/apxlate B=build/bin/apxlate Tests/bench/proxy_bench_ab.sh
#        (env: ROUNDS=5 DURATION=3 CONNS=16 PIN=1 PYTHON=python3)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
A=${A:?set A to the old build (e.g. a copy of build/bin/apxlate made before the change)}
B=${B:-$ROOT/build/bin/apxlate}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-3}
CONNS=${CONNS:-16}
PY=${PYTHON:-python3}
NCPU=$(nproc)
PIN=${PIN:-$([ "$NCPU" -ge 2 ] && command -v taskset >/dev/null && echo 1 || echo 0)}
WRK=(wrk); NGINX=(nginx)
if [ "$PIN" = 1 ]; then WRK=(taskset -c 0 wrk); NGINX=(taskset -c $((NCPU - 1)) nginx); fi
TICKS=$(getconf CLK_TCK)
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }
command -v nginx >/dev/null || { echo "nginx is required (apt-get install nginx-light)"; exit 1; }
for b in "$A" "$B"; do [ -x "$b" ] || { echo "not an executable: $b"; exit 1; }; done

WORK=$(mktemp -d /tmp/apxlate-bench-ab.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { $PY -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
MOCK_PORT=$(free_port); PORT_A=$(free_port); PORT_B=$(free_port)
$PY "$ROOT/Tests/bench/proxy_bench_bodies.py" "$WORK" >/dev/null

cat > "$WORK/nginx.conf" <<NGINX
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log error;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_buffer_size 1m;
  client_max_body_size 100m;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$MOCK_PORT;
    root $WORK/www;
    location /json/ { default_type application/json; error_page 405 =200 \$uri; }
    location /stream/ { default_type text/event-stream; error_page 405 =200 \$uri; }
  }
}
NGINX
"${NGINX[@]}" -c "$WORK/nginx.conf" -p "$WORK" & MOCK_PID=$!; PIDS+=($MOCK_PID)

cat > "$WORK/apxlate.yaml" <<YAML
upstreams:
  json: {base_url: "http://127.0.0.1:$MOCK_PORT/json/v1", format: openai-chat}
  stream: {base_url: "http://127.0.0.1:$MOCK_PORT/stream/v1", format: openai-chat}
routes:
  - {match: "bench-json*", upstream: json, model: gpt-bench}
  - {match: "bench-stream*", upstream: stream, model: gpt-bench}
YAML
"$A" serve --config "$WORK/apxlate.yaml" --port "$PORT_A" --log-level warning > "$WORK/a.log" 2>&1 & PID_A=$!; PIDS+=($PID_A)
"$B" serve --config "$WORK/apxlate.yaml" --port "$PORT_B" --log-level warning > "$WORK/b.log" 2>&1 & PID_B=$!; PIDS+=($PID_B)
up() { curl -sf "http://127.0.0.1:$PORT_A/health" >/dev/null && curl -sf "http://127.0.0.1:$PORT_B/health" >/dev/null; }
for _ in $(seq 100); do up && break; sleep 0.05; done
up || { echo "the proxies did not start:"; cat "$WORK/a.log" "$WORK/b.log"; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# run URL LUA CONNS PID -> "rps p50 p99 cpu" (as in proxy_bench.sh) or "error"
run() {
  local out c0 c1
  c0=$(cpu_ticks "$4")
  out=$("${WRK[@]}" -t1 -c"$3" -d"${DURATION}s" --latency -s "$2" "$1" 2>&1)
  c1=$(cpu_ticks "$4")
  if echo "$out" | grep -q Non-2xx; then echo error; return; fi
  echo "$out" | awk -v c="$((c1 - c0))" -v t="$TICKS" '
    function us(v) { if (v ~ /us$/) return v+0; if (v ~ /ms$/) return (v+0)*1000; if (v ~ /s$/) return (v+0)*1000000; return v }
    /^ +50%/ {p50=us($2)} /^ +99%/ {p99=us($2)} /^Requests\/sec/ {rps=$2} / requests in / {n=$1}
    END {printf "%d %d %d %d\n", rps, p50, p99, (n > 0 ? c / t * 1000000 / n : 0)}'
}
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { cut -d' ' -f"$1" "$2" | med; }

echo "proxy A/B: A=$A"
echo "           B=$B"
echo "$NCPU CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); medians of $ROUNDS alternating runs of ${DURATION}s;"
echo "rps and cpu (proxy CPU us/request) with $CONNS connections; added p50/p99 (us over the mock's median) with 1"
printf "\n%-34s %8s %8s %7s %7s %9s %9s %9s %9s\n" "case" "A rps" "B rps" "A cpu" "B cpu" "A +p50" "B +p50" "A +p99" "B +p99"
for spec in \
  "chat→chat json (passthrough)|json|/v1/chat/completions|chat-json" \
  "chat→chat stream (passthrough)|stream|/v1/chat/completions|chat-stream" \
  "anthropic→chat json (translated)|json|/v1/messages|anthropic-json" \
  "anthropic→chat stream (translated)|stream|/v1/messages|anthropic-stream"; do
  IFS='|' read -r label kind path lua <<<"$spec"
  for f in A16 B16 A1 B1 M1; do : > "$WORK/$f"; done
  for i in $(seq "$ROUNDS"); do
    if [ $((i % 2)) = 1 ]; then order="A B"; else order="B A"; fi
    for w in $order; do
      if [ "$w" = A ]; then port=$PORT_A; pid=$PID_A; else port=$PORT_B; pid=$PID_B; fi
      run "http://127.0.0.1:$port$path" "$WORK/$lua.lua" "$CONNS" "$pid" >> "$WORK/${w}16"
      run "http://127.0.0.1:$port$path" "$WORK/$lua.lua" 1 "$pid" >> "$WORK/${w}1"
    done
    run "http://127.0.0.1:$MOCK_PORT/$kind/v1/chat/completions" "$WORK/$lua.lua" 1 "$MOCK_PID" >> "$WORK/M1"
  done
  if grep -q error "$WORK"/A16 "$WORK"/B16 "$WORK"/A1 "$WORK"/B1; then printf "%-34s %s\n" "$label" "non-2xx answers"; continue; fi
  m50=$(col 2 "$WORK/M1"); m99=$(col 3 "$WORK/M1")
  printf "%-34s %8s %8s %7s %7s %9s %9s %9s %9s\n" "$label" \
    "$(col 1 "$WORK/A16")" "$(col 1 "$WORK/B16")" "$(col 4 "$WORK/A16")" "$(col 4 "$WORK/B16")" \
    "$(( $(col 2 "$WORK/A1") - m50 ))" "$(( $(col 2 "$WORK/B1") - m50 ))" \
    "$(( $(col 3 "$WORK/A1") - m99 ))" "$(( $(col 3 "$WORK/B1") - m99 ))"
done
