#!/usr/bin/env bash
# Regenerates the 7z fixtures. Needs Debian packages p7zip-full (any 7z that
# understands -snl, -mhe, -mf=BCJ2 will do) and gcc-mingw-w64-x86-64.
# Deterministic except enc.7z and enchdr.7z, whose AES salt and IV are random.
set -euo pipefail
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The tree: a text file, a subdirectory, an empty file, an empty directory
# and a symlink, all with fixed times.
src=$work/src
mkdir -p "$src/sub" "$src/emptydir"
printf 'hello\n' >"$src/a.txt"
seq 1 2000 >"$src/sub/b.txt"
: >"$src/empty.txt"
ln -s a.txt "$src/link"
find "$src" -exec touch -h -d 2024-01-02T03:04:05Z {} +

# A tiny Windows PE, for the x86 branch filters.
cat >"$work/hello.c" <<'C'
#include <windows.h>
int main(void) { MessageBoxA(0, "hello from vouch", "vouch", 0); return 0; }
C
x86_64-w64-mingw32-gcc -Os -s -Wl,--no-insert-timestamp -o "$work/hello.exe" "$work/hello.c"
touch -d 2024-01-02T03:04:05Z "$work/hello.exe"

out=$PWD
pushd "$src" >/dev/null
mk() { local f=$1; shift; rm -f "$out/$f"; 7z a -bd -bso0 -bsp0 "$@" "$out/$f" a.txt sub empty.txt emptydir; }
mk solid.7z -m0=LZMA2 -ms=on               # one solid LZMA2 folder
mk nonsolid.7z -m0=LZMA2 -ms=off           # one folder per file
mk lzma.7z -m0=LZMA -ms=off
mk ppmd.7z -m0=PPMd -ms=on
mk bzip2.7z -m0=BZip2 -ms=off
mk deflate.7z -m0=Deflate -ms=off
mk copy.7z -mx=0 -mhc=off                  # stored, plain (not encoded) header
mk enc.7z -m0=LZMA2 -pvouch -mhe=off       # names visible, data encrypted
mk enchdr.7z -m0=LZMA2 -pvouch -mhe=on     # header encrypted too
rm -f "$out/symlink.7z"
7z a -bd -bso0 -bsp0 -snl -m0=LZMA2 "$out/symlink.7z" a.txt link
popd >/dev/null

pushd "$work" >/dev/null
rm -f "$out/bcj.7z" "$out/bcj2.7z"
7z a -bd -bso0 -bsp0 -m0=LZMA2 -mf=BCJ "$out/bcj.7z" hello.exe
7z a -bd -bso0 -bsp0 -m0=BCJ2 -m1=LZMA -m2=LZMA -m3=LZMA -mb0:1 -mb0s1:2 -mb0s2:3 "$out/bcj2.7z" hello.exe
popd >/dev/null

# A solid folder whose first member is 70 MiB of zeros: reaching the
# second member without reading the first means decoding 70 MiB.
mkdir "$work/bomb"
head -c 70M /dev/zero >"$work/bomb/a.bin"
printf 'after\n' >"$work/bomb/b.txt"
touch -d 2024-01-02T03:04:05Z "$work/bomb/a.bin" "$work/bomb/b.txt"
rm -f bomb.7z
(cd "$work/bomb" && 7z a -bd -bso0 -bsp0 -m0=LZMA2 -ms=on "$out/bomb.7z" a.bin b.txt)

# An empty archive is just the 32-byte signature header.
mkdir "$work/empty"
rm -f empty.7z
(cd "$work/empty" && 7z a -bd -bso0 -bsp0 "$out/empty.7z" .)

# Damaged copies: the header (at the end) cut off; a flipped byte in the
# first LZMA2 folder (its data fails to decode, as does every member after
# it in the solid folder); a flipped byte in the stored data of sub/b.txt
# (decodes, but fails its CRC).
flip() { printf '\x5a' | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
head -c 600 solid.7z >truncated.7z
cp solid.7z corrupt.7z
flip corrupt.7z 40
cp copy.7z crc.7z
flip crc.7z 100
