#!/usr/bin/env bash
# Regenerates the NSIS fixtures. Needs the Debian packages nsis (makensis 3.x)
# and gcc-mingw-w64-x86-64 (for the tiny PE payload). Tests read only the
# committed outputs, never these tools.
set -euo pipefail
cd "$(dirname "$0")"
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1700000000

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Payload files. Fixed contents and mtimes so the installers are repeatable
# (NSIS records each file's mtime in its File instruction).
printf 'hello from the vouch nsis fixture\n' > src/hello.txt
printf 'helper extracted to the plugins dir\n' > src/helper.txt
head -c 3000 /dev/zero | tr '\0' 'z' > src/sub/data.bin
printf 'tail\n' >> src/sub/data.bin
cat > "$work/tiny.c" <<'C'
void start(void) { for (;;) {} }
C
x86_64-w64-mingw32-gcc -Os -s -nostdlib -Wl,--entry=start -Wl,--no-insert-timestamp \
	-o src/tiny.exe "$work/tiny.c"
touch -d @1700000000 src/hello.txt src/helper.txt src/sub/data.bin src/tiny.exe

# name compressor solid(0/1) target
build() {
	local name=$1 comp=$2 solid=$3 target=$4
	local defs=(-DCOMP="$comp" -DTARGET="$target" -DOUT="$PWD/$name.exe")
	if [[ $solid == 1 ]]; then defs+=(-DSOLID); fi
	makensis -V1 -NOCD "${defs[@]}" fixture.nsi
}

build zlib            zlib  0 x86-ansi
build zlib-solid      zlib  1 x86-unicode
build bzip2           bzip2 0 x86-unicode
build bzip2-solid     bzip2 1 x86-ansi
build lzma            lzma  0 x86-unicode
build lzma-solid      lzma  1 x86-unicode
build lzma-solid-ansi lzma  1 x86-ansi
build zlib-amd64      zlib  0 amd64-unicode

# Cut inside the solid stream: the header and the first files survive.
size=$(stat -c %s lzma-solid.exe)
head -c $((size - 400)) lzma-solid.exe > lzma-solid-truncated.exe
