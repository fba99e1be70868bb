#!/usr/bin/env bash
# Regenerates the Mach-O fixtures of this directory from src/.
# Needs the Debian packages: clang, lld (ld64.lld-14 links Mach-O and signs
# ad hoc), llvm (llvm-lipo-14), openssl, python3.
#
# There is no Apple SDK here: src/libSystem.tbd is a text stub naming the few
# libSystem functions the dylib imports, so the linker writes real
# LC_LOAD_DYLIB commands and undefined symbols. ld64.lld signs the dylibs ad
# hoc (sha256, 4 KiB pages). src/sign.py re-signs a copy the way codesign
# does for a Developer ID (CodeDirectory + requirements + CMS) with the
# TEST-ONLY certificate in src/ (made here once if missing; throw-away).
set -euo pipefail
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Throw-away TEST-ONLY CA and "Developer ID" leaf, kept so fixtures stay stable.
if [ ! -f src/TEST-ONLY-leaf.pem ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj "/CN=Vouch TEST-ONLY Root CA/O=vouch tests" \
    -keyout src/TEST-ONLY-ca.key -out src/TEST-ONLY-ca.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=Developer ID Application: Vouch Test (VOUCHTEST1)/OU=VOUCHTEST1/O=Vouch Test/C=US" \
    -keyout src/TEST-ONLY-leaf.key -out "$work/leaf.csr" 2>/dev/null
  printf 'extendedKeyUsage=codeSigning\nkeyUsage=digitalSignature\n' >"$work/ext"
  openssl x509 -req -in "$work/leaf.csr" -CA src/TEST-ONLY-ca.pem -CAkey src/TEST-ONLY-ca.key -set_serial 7 \
    -days 36500 -extfile "$work/ext" -out src/TEST-ONLY-leaf.pem 2>/dev/null
fi

# One dylib per architecture, plain and with the extra constructor. Each is
# linked under the same name, which becomes the signature's identifier.
for arch in arm64 x86_64; do
  for v in plain extra; do
    d="$work/$arch-$v"
    mkdir -p "$d"
    flags=()
    [ "$v" = extra ] && flags=(-DEXTRA)
    clang -target "$arch-apple-macos11" -O1 "${flags[@]}" -c src/lib.c -o "$d/lib.o"
    (cd "$d" && ld64.lld-14 -arch "$arch" -platform_version macos 11.0 11.0 -dylib \
      -install_name @rpath/libvouchtest.dylib -adhoc_codesign -o libvouchtest.dylib lib.o \
      "$OLDPWD/src/libSystem.tbd")
  done
done

cp "$work/arm64-plain/libvouchtest.dylib" thin-arm64.dylib
llvm-lipo-14 -create "$work/x86_64-plain/libvouchtest.dylib" "$work/arm64-plain/libvouchtest.dylib" -output fat-clean.dylib
# The 3CX shape: the x86_64 slice has a second constructor and imports
# socket/connect/dlopen; the arm64 slice is the clean one.
llvm-lipo-14 -create "$work/x86_64-extra/libvouchtest.dylib" "$work/arm64-plain/libvouchtest.dylib" -output fat-asym.dylib

# Offset of the first byte of __TEXT,__text in a thin 64-bit Mach-O.
text_offset() {
  python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
n, off = struct.unpack_from('<I', d, 16)[0], 32
for _ in range(n):
    cmd, size = struct.unpack_from('<II', d, off)
    if cmd == 0x19:
        for i in range(struct.unpack_from('<I', d, off + 64)[0]):
            s = off + 72 + 80 * i
            if d[s:s + 16].rstrip(b'\0') == b'__text':
                print(struct.unpack_from('<I', d, s + 48)[0]); sys.exit(0)
    off += size
sys.exit('no __text')
EOF
}
flip() { # file offset: invert one byte in place
  python3 -c 'import sys; p, o = sys.argv[1], int(sys.argv[2]); d = bytearray(open(p, "rb").read()); d[o] ^= 0xff; open(p, "wb").write(d)' "$1" "$2"
}
text=$(text_offset thin-arm64.dylib)

# Code changed after signing: one byte of __text inverted.
cp thin-arm64.dylib broken-page.dylib
flip broken-page.dylib "$text"

# Data appended after the signature: 3000 bytes starting with FEEDFACE and
# continuing high-entropy (a sha256 chain, deterministic).
cp thin-arm64.dylib appended.dylib
python3 -c '
import hashlib, sys
b, h = bytearray(b"\xfe\xed\xfa\xce"), b"vouch"
while len(b) < 3000:
    h = hashlib.sha256(h).digest(); b += h
sys.stdout.buffer.write(bytes(b[:3000]))' >>appended.dylib

# A fat file with bytes after its last slice.
cp fat-clean.dylib fat-overlay.dylib
printf 'hidden after the last slice\n%.0s' {1..40} >>fat-overlay.dylib

# Cut inside __DATA: the symbol table and the signature are gone.
head -c 20000 thin-arm64.dylib >truncated.dylib

# Certificate-signed like a Developer ID build, then broken two ways.
sign=(--ident com.vouch.test --team VOUCHTEST1 --cert src/TEST-ONLY-leaf.pem --key src/TEST-ONLY-leaf.key --ca src/TEST-ONLY-ca.pem)
python3 src/sign.py "${sign[@]}" thin-arm64.dylib devid-arm64.dylib
cp devid-arm64.dylib devid-broken-page.dylib
flip devid-broken-page.dylib "$text"
python3 src/sign.py "${sign[@]}" --stale-cms "$text" thin-arm64.dylib devid-stale-cms.dylib
# Two code directories (sha1 primary, sha256 alternate); in the broken copy
# the sha256 directory was re-hashed after a code change, the sha1 one not.
python3 src/sign.py "${sign[@]}" --hashes sha1,sha256 thin-arm64.dylib devid-sha1-sha256.dylib
python3 src/sign.py "${sign[@]}" --hashes sha1,sha256 --rehash-alternates "$text" thin-arm64.dylib devid-sha256-rehashed.dylib

ls -l ./*.dylib
