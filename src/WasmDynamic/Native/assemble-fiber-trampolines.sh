#!/usr/bin/env bash
# Regenerates the machine code of FiberTrampolines.cs from FiberTrampolines.x64-sysv.s (needs GNU as + objcopy).
# Prints the symbol offsets and the C# byte list to paste into FiberTrampolines.X64SysV.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tmp="$(mktemp -d)"
as FiberTrampolines.x64-sysv.s -o "$tmp/t.o"
objcopy -O binary -j .text "$tmp/t.o" "$tmp/t.bin"
nm "$tmp/t.o" | sort
od -An -v -tx1 "$tmp/t.bin" | tr -s ' ' '\n' | grep -v '^$' | awk '{printf "0x%s, ", toupper($1)} NR % 16 == 0 {printf "\n"} END {printf "\n"}'
rm -rf "$tmp"
