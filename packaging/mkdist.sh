#!/usr/bin/env bash
# `make dist`: writes dist/apxlate-<version>-linux-x86_64.tar.gz from build/ (make all), a
# relocatable tree: bin/apxlate (Swift runtime static, RUNPATH $ORIGIN/../lib), the library with
# its SONAME symlinks (Swift runtime static), the header, a ${pcfiledir}-relative apxlate.pc, the
# nginx module built against Debian's nginx-dev through that .pc (RUNPATH $ORIGIN/..), the example
# config, the systemd unit and a README. Tests/dist/run.sh checks it with the toolchain hidden.
# VERSION, LIBFILE and SONAME come from the Makefile (include/apxlate.h).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
: "${VERSION:?} ${LIBFILE:?} ${SONAME:?}"
NAME=apxlate-$VERSION-linux-x86_64
WORK=$ROOT/build/dist
STAGE=$WORK/$NAME
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,include,lib/pkgconfig,lib/nginx,lib/systemd/system,etc} "$ROOT/dist"

install -m 0755 build/bin/apxlate "$STAGE/bin/apxlate"
install -m 0755 "build/lib/$LIBFILE" "$STAGE/lib/$LIBFILE"
ln -s "$LIBFILE" "$STAGE/lib/$SONAME"
ln -s "$SONAME" "$STAGE/lib/libapxlate.so"
install -m 0644 include/apxlate.h "$STAGE/include/apxlate.h"
sed -e 's|@PREFIX@|${pcfiledir}/../..|' -e "s|@VERSION@|$VERSION|" packaging/apxlate.pc.in > "$STAGE/lib/pkgconfig/apxlate.pc"
install -m 0644 apxlate.example.yaml "$STAGE/etc/apxlate.example.yaml"
install -m 0644 packaging/apxlate.service "$STAGE/lib/systemd/system/apxlate.service"
sed -e "s|@VERSION@|$VERSION|g" -e "s|@SONAME@|$SONAME|g" -e "s|@MAJOR@|${SONAME##*.so.}|g" \
  packaging/README.dist.md > "$STAGE/README.md"

# The nginx module, through the staged apxlate.pc. Its run path is $ORIGIN/..: nginx's configure
# evaluates the value once in double quotes, giving \$$ORIGIN in the module's Makefile, which
# make and then the shell turn into $ORIGIN.
APXLATE_PKGCONFIG=1 PKG_CONFIG_PATH="$STAGE/lib/pkgconfig" APXLATE_RPATH='\\\$\$ORIGIN/..' \
  APXLATE_NGINX_BUILD="$WORK/nginx" bash bindings/nginx/build.sh >/dev/null
install -m 0755 "$WORK/nginx/ngx_http_apxlate_module.so" "$STAGE/lib/nginx/ngx_http_apxlate_module.so"
strip --strip-unneeded "$STAGE/lib/nginx/ngx_http_apxlate_module.so"

# Nothing may point back into this checkout or the toolchain.
for f in "$STAGE/bin/apxlate" "$STAGE/lib/$LIBFILE" "$STAGE/lib/nginx/ngx_http_apxlate_module.so"; do
  rp=$(readelf -d "$f" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p')
  case "$rp" in *"$ROOT"*|*/opt/swift*) echo "mkdist: $f has run path $rp" >&2; exit 1 ;; esac
done

tar -C "$WORK" --owner=0 --group=0 --numeric-owner -czf "$ROOT/dist/$NAME.tar.gz" "$NAME"
echo "dist/$NAME.tar.gz"
