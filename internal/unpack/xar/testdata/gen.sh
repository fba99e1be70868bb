#!/usr/bin/env bash
# Regenerates the xar fixtures with mkxar.py (our own writer: Debian has no
# xar tool). Needs Debian packages python3, cpio and gzip. Deterministic.
#
# pkg.xar mimics a macOS flat package: Distribution, Resources/, and a
# component package with PackageInfo, Bom, Payload (gzip'd cpio) and
# Scripts (gzip'd cpio with a postinstall script).
set -euo pipefail
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/root/Applications/Hello.app" "$work/scripts"
printf 'hello app\n' >"$work/root/Applications/Hello.app/hello"
printf '#!/bin/sh\necho installed\n' >"$work/scripts/postinstall"
chmod 755 "$work/scripts/postinstall"
find "$work/root" "$work/scripts" -exec touch -h -d 2024-01-02T03:04:05Z {} +
(cd "$work/root" && find . | sort | cpio -o -H odc --reproducible --owner 0:0 --quiet) | gzip -9n >"$work/Payload"
(cd "$work/scripts" && find . | sort | cpio -o -H odc --reproducible --owner 0:0 --quiet) | gzip -9n >"$work/Scripts"
cat >"$work/Distribution" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
    <title>Hello</title>
    <pkg-ref id="com.example.hello">#hello.pkg</pkg-ref>
</installer-gui-script>
XML
printf '<pkg-info identifier="com.example.hello" version="1.0" install-location="/"/>\n' >"$work/PackageInfo"
printf 'BOMStore fake bom\n' >"$work/Bom"
printf 'Welcome to Hello.\n' >"$work/Welcome.txt"

cat >"$work/pkg.json" <<JSON
{"files": [
  {"name": "Distribution", "file": "$work/Distribution", "enc": "gzip"},
  {"name": "Resources", "dir": [
    {"name": "Welcome.txt", "file": "$work/Welcome.txt", "enc": "bzip2"},
    {"name": "Ünïcödé.txt", "name64": true, "file": "$work/Welcome.txt", "enc": "none"}
  ]},
  {"name": "hello.pkg", "dir": [
    {"name": "Bom", "file": "$work/Bom", "enc": "none"},
    {"name": "PackageInfo", "file": "$work/PackageInfo", "enc": "gzip"},
    {"name": "Payload", "file": "$work/Payload", "enc": "none"},
    {"name": "Scripts", "file": "$work/Scripts", "enc": "none"}
  ]},
  {"name": "latest", "symlink": "hello.pkg"}
]}
JSON
python3 mkxar.py "$work/pkg.json" pkg.xar
sed 's/^{"files"/{"signed": true, "files"/' "$work/pkg.json" >"$work/signed.json"
python3 mkxar.py "$work/signed.json" signed.xar

# Damaged copies: cut inside the heap (the last members' data is gone), a
# flipped byte in the stored Bom (extracted checksum mismatch), and a
# flipped byte in the TOC checksum held in the heap.
size=$(stat -c %s pkg.xar)
head -c $((size - 150)) pkg.xar >truncated.xar
python3 - <<'PY'
import struct
b = bytearray(open('pkg.xar', 'rb').read())
clen = struct.unpack_from('>Q', b, 8)[0]
heap = 28 + clen
i = b.index(b'BOMStore fake bom', heap)
b[i] ^= 0x20
open('corrupt.xar', 'wb').write(b)
b = bytearray(open('pkg.xar', 'rb').read())
b[heap] ^= 0xff
open('badtoc.xar', 'wb').write(b)
PY
