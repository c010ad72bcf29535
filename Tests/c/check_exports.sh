#!/usr/bin/env bash
# Checks libapxlate.so against include/apxlate.h:
#  - the exported functions (nm -D --defined-only, type T) are exactly the header's functions;
#  - no Swift runtime is needed: ldd lists only glibc, libm, libstdc++, libgcc_s (and the loader),
#    and no undefined dynamic symbol names Swift;
#  - the header's APX_VERSION_STRING / APX_ABI_VERSION equal the library's.
set -euo pipefail
LIB="${1:?usage: check_exports.sh libapxlate.so apxlate.h}"
HDR="${2:?usage: check_exports.sh libapxlate.so apxlate.h}"
CC="${CC:-cc}"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
fail=0

# Functions declared by the header: preprocess (drops comments), then every `apx_name(`.
"$CC" -E -P -x c "$HDR" | grep -o 'apx_[a-z0-9_]*[[:space:]]*(' | tr -d ' (' | sort -u > "$TMP/header"
nm -D --defined-only "$LIB" | awk '$2 == "T" { print $3 }' | sort -u > "$TMP/exported"
if ! diff -u "$TMP/header" "$TMP/exported" > "$TMP/diff"; then
  echo "FAIL exported functions differ from the header (- header only, + library only):"; cat "$TMP/diff"; fail=1
else
  echo "ok   $(wc -l < "$TMP/exported") exported functions = header declarations"
fi
others="$(nm -D --defined-only "$LIB" | awk '$2 ~ /^[A-Z]$/ && $2 != "T" { print }' || true)"
if [ -n "$others" ]; then echo "FAIL other global symbols exported:"; echo "$others"; fail=1; fi

unexpected="$(ldd "$LIB" | awk '{ print $1 }' | grep -Ev '^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|ld-linux.*|libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1)$' || true)"
if [ -n "$unexpected" ]; then echo "FAIL unexpected shared-library dependencies:"; echo "$unexpected"; fail=1
else echo "ok   dependencies: $(ldd "$LIB" | awk '{ print $1 }' | grep -v vdso | tr '\n' ' ')"; fi
swift_undef="$(nm -D --undefined-only "$LIB" | grep -i swift || true)"
if [ -n "$swift_undef" ]; then echo "FAIL undefined Swift symbols:"; echo "$swift_undef" | head; fail=1
else echo "ok   no undefined Swift symbol"; fi

cat > "$TMP/version.c" <<'C'
#include "apxlate.h"
#include <stdio.h>
#include <string.h>
int main(void) {
    int ok = strcmp(apx_version_string(), APX_VERSION_STRING) == 0 && apx_abi_version() == APX_ABI_VERSION;
    printf("%s   header %s (ABI %d), library %s (ABI %u)\n", ok ? "ok  " : "FAIL", APX_VERSION_STRING,
           APX_ABI_VERSION, apx_version_string(), apx_abi_version());
    return ok ? 0 : 1;
}
C
"$CC" -I "$(dirname "$HDR")" "$TMP/version.c" -o "$TMP/version" "$LIB" -Wl,-rpath,"$(dirname "$LIB")"
"$TMP/version" || fail=1
hv="$(grep -E '^#define APX_VERSION_STRING' "$HDR" | sed -E 's/.*"(.*)".*/\1/')"
mv="$(printf '%s.%s.%s' "$(grep -E '^#define APX_VERSION_MAJOR' "$HDR" | awk '{print $3}')" \
  "$(grep -E '^#define APX_VERSION_MINOR' "$HDR" | awk '{print $3}')" "$(grep -E '^#define APX_VERSION_PATCH' "$HDR" | awk '{print $3}')")"
if [ "$hv" != "$mv" ]; then echo "FAIL APX_VERSION_STRING $hv != MAJOR.MINOR.PATCH $mv"; fail=1; fi
exit $fail
