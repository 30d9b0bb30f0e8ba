#!/usr/bin/env bash
# Re-records the reference WIT of the identity fixtures with jco (wasm-tools' decoder and printer), for
# ComponentReaderTests:
#   X.wit        `jco wit` of X.wat (jco prints the world block only)
#   X.plain.wat  a copy of X.wat whose interfaces have plain names (`a` for `t:x/a@1.0`), so that jco prints their
#                bodies inside the world block; written only where jco can print it (jco panics on a `use` between
#                plain-named interfaces)
#   X.plain.wit  `jco wit` of X.plain.wat
# Needs jco: JCO=/path/to/node_modules/.bin/jco (npm install @bytecodealliance/jco@1.35.0 outside the repository).
set -euo pipefail
cd "$(dirname "$0")"
JCO=${JCO:-npx jco}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for wat in *.wat; do
  case "$wat" in *.plain.wat) continue ;; esac
  name=${wat%.wat}
  $JCO parse "$wat" -o "$tmp/$name.wasm"
  $JCO wit "$tmp/$name.wasm" > "$name.wit"
  perl -pe 's/"([a-z0-9-]+):([a-z0-9-]+)\/([a-z0-9-]+)(@[0-9.a-z-]+)?"/"$3"/g' "$wat" > "$tmp/$name.plain.wat"
  if cmp -s "$wat" "$tmp/$name.plain.wat"; then
    rm -f "$name.plain.wat" "$name.plain.wit"
    continue
  fi
  $JCO parse "$tmp/$name.plain.wat" -o "$tmp/$name.plain.wasm"
  if $JCO wit "$tmp/$name.plain.wasm" > "$tmp/$name.plain.wit" 2>/dev/null; then
    cp "$tmp/$name.plain.wat" "$name.plain.wat"
    cp "$tmp/$name.plain.wit" "$name.plain.wit"
  else
    rm -f "$name.plain.wat" "$name.plain.wit"
  fi
done
