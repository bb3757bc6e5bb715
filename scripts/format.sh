#!/bin/sh
# The code style: clang-format (.clang-format at the top) on every C and C++ source of the project.
#   scripts/format.sh           format them in place
#   scripts/format.sh --check   list the files that are not formatted, exit 1 if any (the test
#                               style_clang_format)
set -e
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
files=$(find src include tests scripts -path tests/data -prune -o \( -name '*.cpp' -o -name '*.h' -o -name '*.c' \) -print | sort)
if [ "$1" = "--check" ]; then
  bad=0
  for f in $files; do
    if ! "$CLANG_FORMAT" --dry-run -Werror "$f" >/dev/null 2>&1; then
      echo "not formatted: $f (scripts/format.sh formats it)"
      bad=1
    fi
  done
  [ $bad -eq 0 ] && echo "$(echo "$files" | wc -l) files formatted as .clang-format says"
  exit $bad
fi
for f in $files; do "$CLANG_FORMAT" -i "$f"; done
