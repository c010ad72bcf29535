#!/usr/bin/env bash
# Builds ngx_http_apxlate_module.so against Debian's nginx-dev (the configure tree of the installed
# nginx, /usr/share/nginx/src) with the installed nginx's configure flags (--with-compat among them),
# so that `load_module` accepts it. Output: $APXLATE_NGINX_BUILD/ngx_http_apxlate_module.so
# (default <repo>/.build-nginx). Needs build/lib/libapxlate.so and build/include (make lib).
# NGINX_CC, NGINX_CC_OPT and NGINX_LD_OPT, when set, choose the compiler and add compile and link
# flags (the sanitizer build of Tests/asan/run.sh uses them).
# APXLATE_PKGCONFIG=1: take the library from pkg-config's apxlate.pc (an install or a release,
# through PKG_CONFIG_PATH) instead of this checkout's build/; pkg-config is also used when the
# checkout has no build/lib and pkg-config finds apxlate. APXLATE_RPATH: see config.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${APXLATE_NGINX_BUILD:-$ROOT/.build-nginx}
SRC=${NGINX_DEV_SRC:-/usr/share/nginx/src}
if [ -z "${APXLATE_INC:-}${APXLATE_LIB:-}" ] && { [ "${APXLATE_PKGCONFIG:-}" = 1 ] \
     || { [ ! -f "$ROOT/build/lib/libapxlate.so" ] && pkg-config --exists apxlate 2>/dev/null; }; }; then
  pkg-config --exists apxlate || { echo "APXLATE_PKGCONFIG=1 but pkg-config finds no apxlate.pc" >&2; exit 1; }
  export APXLATE_INC=$(pkg-config --variable=includedir apxlate) APXLATE_LIB=$(pkg-config --variable=libdir apxlate)
else
  export APXLATE_INC=${APXLATE_INC:-$ROOT/build/include} APXLATE_LIB=${APXLATE_LIB:-$ROOT/build/lib}
  [ -f "$APXLATE_LIB/libapxlate.so" ] || make -C "$ROOT" lib
fi
[ -f "$SRC/configure" ] || { echo "nginx-dev is not installed ($SRC/configure missing)" >&2; exit 1; }

mkdir -p "$OUT"
rm -rf "$OUT/nginx-src"
cp -r "$SRC" "$OUT/nginx-src"
cd "$OUT/nginx-src"
NGX_CONF_FLAGS=()
# shellcheck disable=SC1091
[ -f conf_flags ] && . ./conf_flags
extra=()
[ -n "${NGINX_CC:-}" ] && extra+=(--with-cc="$NGINX_CC")
[ -n "${NGINX_CC_OPT:-}" ] && extra+=(--with-cc-opt="$NGINX_CC_OPT")
[ -n "${NGINX_LD_OPT:-}" ] && extra+=(--with-ld-opt="$NGINX_LD_OPT")
./configure "${NGX_CONF_FLAGS[@]}" "${extra[@]}" --with-compat --add-dynamic-module="$HERE" >"$OUT/configure.log" 2>&1 \
  || { tail -30 "$OUT/configure.log" >&2; exit 1; }
make -f objs/Makefile modules >"$OUT/make.log" 2>&1 || { grep -E 'error|warning' "$OUT/make.log" >&2; tail -20 "$OUT/make.log" >&2; exit 1; }
cp objs/ngx_http_apxlate_module.so "$OUT/ngx_http_apxlate_module.so"
echo "$OUT/ngx_http_apxlate_module.so"
