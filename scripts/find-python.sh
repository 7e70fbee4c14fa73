#!/bin/sh
# Print the path of a Python >= 3.12 (Django 6 needs it), or explain and fail.
# The machine's default python3 may be 3.11; pyenv often has 3.13/3.12 installed beside it.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for candidate in "${PYTHON:-}" python3.13 python3.12 python3; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  case "$path" in
    */.pyenv/shims/*) ;;  # a pyenv shim answers for the global version only: try the real binaries below
    *) if ok "$path"; then echo "$path"; exit 0; fi ;;
  esac
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for version in $(ls -1 "$root/versions" 2>/dev/null | sort -rV); do
    for bin in "$root/versions/$version/bin/python3"; do
      if [ -x "$bin" ] && ok "$bin"; then echo "$bin"; exit 0; fi
    done
  done
fi
echo "No Python >= 3.12 found. Install Python 3.13 (or 3.12), or set PYTHON=/path/to/python3.13." >&2
exit 1
