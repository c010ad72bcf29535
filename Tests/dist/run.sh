#!/usr/bin/env bash
# Install and release checks (`make install`, `make dist`):
#  1. `make install PREFIX=<tmp>`: lib/libapxlate.so.X.Y.Z with SONAME libapxlate.so.X and its
#     symlinks, the header, the binary, lib/pkgconfig/apxlate.pc; `pkg-config --cflags --libs
#     apxlate` builds and runs a C program; the Go binding builds through pkg-config
#     (-tags apxlate_pkgconfig) and its Transport tests pass.
#  2. `make dist` (when the tarball is missing or older than the build): the tarball unpacked in a
#     temp dir is checked with the Swift toolchain hidden: /opt/swift is covered by an empty
#     directory (unshare -m + bind mount, as root) and dropped from PATH. Nothing resolves under
#     /opt/swift or this checkout (ldd, run paths); bin/apxlate serves a translated request
#     against a loopback mock, with write+execute memory refused (PR_SET_MDWE, as the unit's
#     MemoryDenyWriteExecute); the library loads through pkg-config from C and through Python
#     ctypes; nginx loads the module (nginx -t); systemd-analyze accepts the unit.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
VERSION=$(sed -n 's/^#define APX_VERSION_STRING "\(.*\)"/\1/p' include/apxlate.h)
MAJOR=${VERSION%%.*}
TARBALL=dist/apxlate-$VERSION-linux-x86_64.tar.gz
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# ---- 1. make install --------------------------------------------------------------------------
P=$TMP/prefix
make -s install PREFIX="$P" >"$TMP/install.log" 2>&1 || { tail -20 "$TMP/install.log"; bad "make install"; exit 1; }
[ -f "$P/lib/libapxlate.so.$VERSION" ] && [ "$(readlink "$P/lib/libapxlate.so.$MAJOR")" = "libapxlate.so.$VERSION" ] \
  && [ "$(readlink "$P/lib/libapxlate.so")" = "libapxlate.so.$MAJOR" ] \
  && ok "install: lib/libapxlate.so.$VERSION, .so.$MAJOR and .so symlinks" || bad "install: library files $(ls -l "$P/lib")"
soname=$(readelf -d "$P/lib/libapxlate.so.$VERSION" | sed -n 's/.*soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libapxlate.so.$MAJOR" ] && ok "SONAME $soname" || bad "SONAME is '$soname', want libapxlate.so.$MAJOR"
[ -x "$P/bin/apxlate" ] && [ -f "$P/include/apxlate.h" ] && ok "install: bin/apxlate, include/apxlate.h" || bad "install: binary or header missing"
export PKG_CONFIG_PATH=$P/lib/pkgconfig
flags=$(pkg-config --cflags --libs apxlate) && [ "$(pkg-config --modversion apxlate)" = "$VERSION" ] \
  && ok "pkg-config --cflags --libs apxlate: $flags" || bad "pkg-config apxlate"
cat >"$TMP/v.c" <<'C'
#include <apxlate.h>
#include <stdio.h>
#include <string.h>
int main(void) {
    apx_translator *t = NULL; apx_error e; apx_output o; apx_exchange *x = NULL;
    const char *req = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    if (apx_translator_new((const uint8_t *) "{}", 2, &t, &e) != APX_OK) return 1;
    if (apx_request_translate(t, APX_FORMAT_ANTHROPIC, APX_FORMAT_OPENAI_CHAT, (const uint8_t *) req, strlen(req), &o, &x, &e) != APX_OK) return 2;
    int ok = o.len > 0 && memmem(o.data, o.len, "\"messages\"", 10) != NULL && strcmp(apx_version_string(), APX_VERSION_STRING) == 0;
    printf("%s %.*s\n", apx_version_string(), (int) o.len, (const char *) o.data);
    apx_output_free(&o); apx_exchange_free(x); apx_translator_free(t);
    return ok ? 0 : 3;
}
C
# shellcheck disable=SC2086
if cc -D_GNU_SOURCE "$TMP/v.c" -o "$TMP/v" $flags -Wl,-rpath,"$P/lib" && "$TMP/v" >"$TMP/v.out"; then
  ok "a C program built with pkg-config's flags translates ($(cut -c1-60 "$TMP/v.out"))"
else bad "C program through pkg-config"; fi
if command -v go >/dev/null; then
  if (cd bindings/go && GOPROXY=off GOFLAGS=-mod=mod GOCACHE=${GOCACHE:-$ROOT/.build-go/cache} GOPATH=${GOPATH:-$ROOT/.build-go/path} \
       CGO_ENABLED=1 CGO_LDFLAGS="-Wl,-rpath,$P/lib" go test -count=1 -tags apxlate_pkgconfig -run 'TestTransport' . >"$TMP/go.log" 2>&1); then
    ok "go test -tags apxlate_pkgconfig (Transport tests) against the installed library"
  else tail -20 "$TMP/go.log"; bad "Go binding through pkg-config"; fi
fi
unset PKG_CONFIG_PATH

# ---- 2. make dist -----------------------------------------------------------------------------
if [ ! -f "$TARBALL" ] || [ "$TARBALL" -ot "build/lib/libapxlate.so.$VERSION" ] || [ "$TARBALL" -ot build/bin/apxlate ]; then
  make -s dist >"$TMP/dist.log" 2>&1 || { tail -20 "$TMP/dist.log"; bad "make dist"; exit 1; }
fi
D=$TMP/unpacked
mkdir -p "$D" && tar -xzf "$TARBALL" -C "$D" || { bad "unpacking $TARBALL"; exit 1; }
D=$D/apxlate-$VERSION-linux-x86_64
for f in bin/apxlate "lib/libapxlate.so.$VERSION" "lib/libapxlate.so.$MAJOR" lib/libapxlate.so include/apxlate.h \
         lib/pkgconfig/apxlate.pc lib/nginx/ngx_http_apxlate_module.so etc/apxlate.example.yaml \
         lib/systemd/system/apxlate.service README.md; do
  [ -e "$D/$f" ] || bad "tarball: $f missing"
done
ok "tarball $(du -h "$TARBALL" | cut -f1): $(cd "$D" && find . -type f -o -type l | sort | tr '\n' ' ')"

# The checks that run with the toolchain hidden (a script, so that unshare can run it).
cat >"$TMP/hidden.sh" <<'SH'
set -uo pipefail
D=$1; ROOT=$2; TMP=$3; fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
export PATH=$(echo "$PATH" | tr ':' '\n' | grep -v '^/opt/swift' | paste -sd:)
if command -v swift >/dev/null || { [ -d /opt/swift ] && [ -n "$(ls -A /opt/swift 2>/dev/null)" ]; }; then
  [ "${HIDDEN_MOUNT:-}" = 1 ] && bad "the toolchain is still visible" || echo "note: /opt/swift is only off PATH (no mount namespace)"
else ok "toolchain hidden (/opt/swift empty, no swift on PATH)"; fi
for f in bin/apxlate lib/libapxlate.so lib/nginx/ngx_http_apxlate_module.so; do
  out=$(ldd "$D/$f" 2>&1)
  if echo "$out" | grep -E 'not found|/opt/swift|'"$ROOT" >/dev/null; then bad "ldd $f:"; echo "$out"
  else ok "ldd $f: $(echo "$out" | awk '$3 ~ /^\// {print $3}' | grep -c .) libraries, all from the system or the tarball"; fi
done
ldd "$D/lib/nginx/ngx_http_apxlate_module.so" | grep -q "libapxlate.so.[0-9]* => $D/lib/nginx/../lib" \
  && ok "the nginx module finds the tarball's library through \$ORIGIN" || bad "the nginx module's libapxlate: $(ldd "$D/lib/nginx/ngx_http_apxlate_module.so" | grep apxlate)"

# a loopback OpenAI Chat mock, then bin/apxlate serve in front of it
PY=python3
port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
UP=$(port); PX=$(port)
cat >"$TMP/mock.py" <<'PYEOF'
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ok = self.path == "/v1/chat/completions" and self.headers.get("Authorization") == "Bearer sk-up" and req["model"] == "gpt-up"
        body = json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": "gpt-up",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello from the mock"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}} if ok else
            {"error": {"message": "bad request to the mock", "type": "invalid_request_error"}}).encode()
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PYEOF
$PY "$TMP/mock.py" "$UP" & mock=$!
# The unit's MemoryDenyWriteExecute, approximated: the proxy runs with PR_SET_MDWE (Linux 6.3+;
# kept across execve), under which no writable+executable mapping can be made.
cat >"$TMP/mdwe.py" <<'PYEOF'
import ctypes, os, sys
if ctypes.CDLL(None).prctl(65, 1, 0, 0, 0) != 0:   # PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN
    print("note: PR_SET_MDWE unavailable: MemoryDenyWriteExecute not approximated", file=sys.stderr)
os.execv(sys.argv[1], sys.argv[1:])
PYEOF
env -i PATH="$PATH" HOME="$TMP" OPENAI_API_KEY=sk-up OPENAI_BASE_URL="http://127.0.0.1:$UP/v1" BIG_MODEL=gpt-up \
  MIDDLE_MODEL=gpt-up SMALL_MODEL=gpt-up $PY "$TMP/mdwe.py" "$D/bin/apxlate" serve --host 127.0.0.1 --port "$PX" \
  >"$TMP/serve.log" 2>&1 & serve=$!
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$PX") 2>/dev/null && break; sleep 0.1; done   # 30 s: a loaded machine
resp=$($PY - "$PX" <<'PYEOF'
import json, sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/v1/messages", method="POST",
    data=json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 20, "messages": [{"role": "user", "content": "Hi"}]}).encode(),
    headers={"Content-Type": "application/json", "anthropic-version": "2023-06-01"})
m = json.load(urllib.request.urlopen(req, timeout=60))
print(m["type"], m["model"], m["content"][0]["text"])
PYEOF
)
grep -q "PR_SET_MDWE unavailable" "$TMP/serve.log" || mdwe=" (no write+execute memory allowed)"
[ "$resp" = "message claude-sonnet-4-5 Hello from the mock" ] && ok "bin/apxlate serve${mdwe:-} translated a request: $resp" \
  || { bad "bin/apxlate serve: '$resp'"; tail -5 "$TMP/serve.log"; }
kill "$serve" "$mock" 2>/dev/null; wait "$serve" "$mock" 2>/dev/null

# the library through ctypes and through pkg-config from C
v=$($PY -c 'import ctypes, sys; l = ctypes.CDLL(sys.argv[1]); l.apx_version_string.restype = ctypes.c_char_p; print(l.apx_version_string().decode())' "$D/lib/libapxlate.so")
[ -n "$v" ] && ok "Python ctypes loads lib/libapxlate.so (version $v)" || bad "ctypes load"
if command -v cc >/dev/null && command -v pkg-config >/dev/null; then
  # shellcheck disable=SC2046
  cc -D_GNU_SOURCE "$TMP/v.c" -o "$TMP/v2" $(PKG_CONFIG_PATH="$D/lib/pkgconfig" pkg-config --cflags --libs apxlate) -Wl,-rpath,"$D/lib" \
    && "$TMP/v2" >/dev/null && ok "a C program built with the tarball's apxlate.pc runs" || bad "C through the tarball's apxlate.pc"
fi

# nginx loads the module (configuration test in a private prefix)
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  mkdir -p "$TMP/ngx/logs"
  cat >"$TMP/ngx/nginx.conf" <<NGX
load_module $D/lib/nginx/ngx_http_apxlate_module.so;
error_log $TMP/ngx/logs/error.log;
pid $TMP/ngx/nginx.pid;
events {}
http {
    access_log off;
    client_body_temp_path $TMP/ngx/body; proxy_temp_path $TMP/ngx/proxy;
    fastcgi_temp_path $TMP/ngx/f; uwsgi_temp_path $TMP/ngx/u; scgi_temp_path $TMP/ngx/s;
    server { listen 127.0.0.1:$(port); location = /v1/messages { apxlate on; proxy_pass http://127.0.0.1:$UP/v1/chat/completions; } }
}
NGX
  "$NGINX" -t -p "$TMP/ngx" -c "$TMP/ngx/nginx.conf" >"$TMP/ngx.log" 2>&1 && ok "nginx -t loads lib/nginx/ngx_http_apxlate_module.so" \
    || { bad "nginx -t:"; cat "$TMP/ngx.log"; }
fi
if command -v systemd-analyze >/dev/null; then
  sed "s|/opt/apxlate/bin/apxlate|$D/bin/apxlate|" "$D/lib/systemd/system/apxlate.service" >"$TMP/apxlate.service"
  out=$(systemd-analyze verify "$TMP/apxlate.service" 2>&1 | grep -v -E 'Failed to prepare filename|not executable' )
  [ -z "$out" ] && ok "systemd-analyze verify: the unit is valid" || { bad "systemd-analyze verify:"; echo "$out"; }
fi
exit $fail
SH
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && [ -d /opt/swift ] \
   && unshare -m true 2>/dev/null; then
  mkdir -p "$TMP/empty"
  unshare -m bash -c 'mount --bind "$1" /opt/swift && HIDDEN_MOUNT=1 bash "$2" "$3" "$4" "$5"' _ \
    "$TMP/empty" "$TMP/hidden.sh" "$D" "$ROOT" "$TMP" || fail=1
else
  bash "$TMP/hidden.sh" "$D" "$ROOT" "$TMP" || fail=1
fi
[ $fail = 0 ] && echo "dist: all checks passed" || echo "dist: FAILED"
exit $fail
