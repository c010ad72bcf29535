#!/usr/bin/env bash
# Checks the library's layering by name (grep, no build; docs/architecture.md "Layers"):
# - a file in Formats/<A>/ names no type declared in Formats/<B>/, nor one declared in Pipeline/;
# - Core/, JSON/, SSE/, Model/, Stream/ and FormatSupport/ name no type declared in Formats/ or
#   Pipeline/;
# - Core/, JSON/, SSE/ and Model/ name no type declared in Stream/ or FormatSupport/.
# Only Pipeline/ (and CABI/ above it) knows every format. Comments are ignored. Run by the swift
# suite of Tests/run-all.sh; `bash Tests/tools/check_layers.sh [Sources/SwiftTranslate]`.
# Prints each violation as `file:line: names Type (declared in dir)` and exits 1 if there is one.
set -uo pipefail
SRC=${1:-"$(dirname "$0")/../../Sources/SwiftTranslate"}
cd "$SRC" || exit 2

# Types and functions declared at the top level of the .swift files below a folder, one a line.
declared() {
  grep -hoE '^(public |internal |fileprivate )?(final )?(struct|enum|class|protocol|typealias|func) [A-Za-z_][A-Za-z0-9_]*' \
    -r --include='*.swift' "$@" 2>/dev/null | awk '{print $NF}' | sort -u
}

# Files below $1 (a list of folders) that name any of the types in $2 (a file); code only.
check() {
  local names=$1 from=$2; shift 2
  [ -s "$names" ] || return 0
  local pattern
  pattern="\\b($(paste -sd'|' "$names"))\\b"
  local f
  for f in $(find "$@" -name '*.swift' 2>/dev/null | sort); do
    # Drop `//` comments (a `//` inside a string literal is rare here and only hides code).
    sed -E 's#//.*$##' "$f" | grep -nwoE "$pattern" | sort -u -t: -k2,2 | while IFS=: read -r line name; do
      echo "$f:$line: names $name (declared in $from)"
    done
  done
}

tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
out=$(
  formats=$(cd Formats && ls -d */ | tr -d /)
  for a in $formats; do
    for b in $formats; do
      [ "$a" = "$b" ] && continue
      declared "Formats/$b" > "$tmp"
      check "$tmp" "Formats/$b" "Formats/$a"
    done
  done
  declared Pipeline > "$tmp"
  check "$tmp" "Pipeline" Formats
  declared Formats Pipeline > "$tmp"
  check "$tmp" "Formats or Pipeline" Core JSON SSE Model Stream FormatSupport
  declared Stream FormatSupport > "$tmp"
  check "$tmp" "Stream or FormatSupport" Core JSON SSE Model
)
if [ -n "$out" ]; then
  echo "$out"
  echo "check_layers: $(echo "$out" | wc -l) layering violation(s)"
  exit 1
fi
echo "check_layers: ok"
