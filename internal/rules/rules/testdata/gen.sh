#!/usr/bin/env bash
# Rebuilds the native rule fixtures in native/ from src/. The script
# fixtures in the namespace folders are hand-written and committed as is.
# Needs the Debian packages: gcc-mingw-w64-x86-64, gcc, clang, lld (ld64.lld-14),
# llvm (llvm-lipo-14).
#
# Every fixture is inert: the code that would use an API sits behind a
# variable that is always zero, hosts are .invalid where the rule allows it,
# and nothing here is ever executed by the tests. Windows fixtures are built
# without the C runtime (-nostdlib) so that only what the source names shows
# up in the import table; hello-win.exe is the one built with the MinGW CRT.
set -euo pipefail
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=0

out=native
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

winlibs=(-lkernel32 -luser32 -lgdi32 -ladvapi32 -lshell32 -lwinhttp -lwininet -lurlmon
  -lws2_32 -ldnsapi -lsecur32 -lcrypt32 -lbcrypt)
wincc=(x86_64-w64-mingw32-gcc -Os -s -ffreestanding -fno-asynchronous-unwind-tables
  -fno-ident -fno-stack-protector -Wl,--no-insert-timestamp -Isrc)

for src in src/*-win.c src/mem-rwx.c src/mem-xor-rwx.c src/mem-inject.c; do
  name=$(basename "$src" .c)
  [ "$name" = hello-win ] && continue
  "${wincc[@]}" -nostdlib -nostartfiles -Wl,-e,start -o "$out/$name.exe" "$src" "${winlibs[@]}"
done
"${wincc[@]}" -nostdlib -nostartfiles -shared -Wl,-e,DllMain -o "$out/mem-reflective.dll" \
  src/mem-reflective.c -lkernel32
"${wincc[@]}" -o "$out/hello-win.exe" src/hello-win.c

for src in src/*-linux.c src/go-names.c; do
  name=$(basename "$src" .c)
  opt=-Os
  [ "$name" = crypto-linux ] && opt=-O0
  gcc "$opt" -s -fno-asynchronous-unwind-tables -Wl,--build-id=none -Wl,-z,noseparate-code -Isrc -o "$out/$name.elf" "$src" -ldl -lresolv
done

macho() { # arch source output
  clang -target "$1-apple-macos11" -Os -fno-stack-protector -Isrc -c "$2" -o "$work/$1.o"
  ld64.lld-14 -arch "$1" -platform_version macos 11.0 11.0 -dylib -install_name "@rpath/$(basename "$3")" \
    -o "$3" "$work/$1.o" src/libSystem.tbd src/libobjc.tbd
}
macho arm64 src/exec-macos.c "$out/exec-macos.dylib"
macho x86_64 src/misc-macos.c "$out/misc-macos.dylib"
macho x86_64 src/net-macos.c "$work/net-x86_64.dylib"
macho arm64 src/net-macos.c "$work/net-arm64.dylib"
llvm-lipo-14 -create "$work/net-x86_64.dylib" "$work/net-arm64.dylib" -output "$out/net-macos-fat.dylib"

ls -l "$out"
