#!/usr/bin/env bash
# Regenerates the ISO 9660 fixtures, committed xz-compressed (*.iso.xz).
# Needs Debian packages genisoimage, xorriso, xz-utils and python3.
# genisoimage stamps the volume and rr_moved with the current time, so
# rrj, joliet, plain, loop and truncated differ between runs in those dates
# only; xorriso.iso is reproducible (SOURCE_DATE_EPOCH).
set -euo pipefail
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1704164645
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The tree: a file, a subdirectory with a long name, a symlink, and a
# directory nine levels deep (deeper than ISO 9660's eight).
src=$work/src
mkdir -p "$src/sub/a/b/c/d/e/f/g/h/i"
printf 'hello\n' >"$src/README.txt"
seq 1 3000 >"$src/sub/numbers.txt"
printf 'deep\n' >"$src/sub/a/b/c/d/e/f/g/h/i/deep.txt"
printf 'long\n' >"$src/sub/This is a rather long file name for ISO 9660.text"
ln -s ../README.txt "$src/sub/link"
find "$src" -exec touch -h -d 2024-01-02T03:04:05Z {} +

g() { genisoimage -quiet -no-pad "$@" 2>/dev/null; }
g -J -R -V VOUCH_RRJ -o "$work/rrj.iso" "$src"  # Rock Ridge (with rr_moved) and Joliet
g -J -V VOUCH_JOLIET -o "$work/joliet.iso" "$src" # Joliet only: no symlink, no deep dirs
g -V VOUCH_PLAIN -o "$work/plain.iso" "$src"      # 8.3 names only

# xorriso keeps deep directories in place and puts the Rock Ridge entries
# of a 200-character name in a continuation area (CE).
cp -a "$src" "$work/src2"
long=$(printf 'n%.0s' $(seq 1 200))
printf 'ce\n' >"$work/src2/$long"
touch -d 2024-01-02T03:04:05Z "$work/src2/$long" "$work/src2"
xorriso -as mkisofs -quiet -no-pad -R -J -V VOUCH_XORRISO -o "$work/xorriso.iso" "$work/src2" 2>/dev/null

# deep.iso: a file under 70 nested directories, deeper than the walk goes.
p=$work/deep
for _ in $(seq 1 70); do p=$p/d; done
mkdir -p "$p"
printf 'bottom\n' >"$p/f.txt"
find "$work/deep" -exec touch -h -d 2024-01-02T03:04:05Z {} +
xorriso -as mkisofs -quiet -no-pad -R -V VOUCH_DEEP -o "$work/deep.iso" "$work/deep" 2>/dev/null

# loop.iso: plain.iso with the SUB directory's extent pointed back at the
# root directory, so that walking it would never end.
python3 - "$work/plain.iso" "$work/loop.iso" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
root = struct.unpack_from('<I', b, 0x8000 + 156 + 2)[0]
off = root * 2048
i = off
while b[i]:
    n = b[i]
    if bytes(b[i+33:i+33+b[i+32]]) == b'SUB':
        struct.pack_into('<I', b, i + 2, root)
        struct.pack_into('>I', b, i + 6, root)
        break
    i += n
else:
    sys.exit('SUB not found')
open(sys.argv[2], 'wb').write(b)
PY

# truncated.iso: rrj.iso cut 100 bytes into the data of numbers.txt.
block=$(isoinfo -R -l -i "$work/rrj.iso" | sed -n 's/.*\[ *\([0-9]*\) 00\]  numbers.txt.*/\1/p')
head -c $((block * 2048 + 100)) "$work/rrj.iso" >"$work/truncated.iso"

for f in rrj joliet plain xorriso deep loop truncated; do
	xz -9e -T1 -c "$work/$f.iso" >"$f.iso.xz"
done
