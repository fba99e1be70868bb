#!/usr/bin/env bash
# Regenerates the zip fixtures. Needs Debian's zip, bzip2 and python3.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/dir"
printf 'hello zip\n' > "$tmp/src/hello.txt"
printf 'console.log("x")\n' > "$tmp/src/dir/app.js"
ln -s hello.txt "$tmp/src/link"
export TZ=UTC SOURCE_DATE_EPOCH=1700000000
find "$tmp/src" -exec touch -h -d @1700000000 {} +
(cd "$tmp/src" && zip -qX -r --symlinks "$OLDPWD/basic.zip" hello.txt dir link)
(cd "$tmp/src" && zip -qX -Z bzip2 "$OLDPWD/bzip2.zip" hello.txt)
(cd "$tmp/src" && zip -qX -P secret "$OLDPWD/encrypted.zip" hello.txt)
head -c 100 basic.zip > truncated.zip
# A CRX3 header (magic, version 3, header length 4, 4 header bytes) before a zip.
python3 - <<'PY'
import struct
z = open("basic.zip", "rb").read()
open("extension.crx", "wb").write(b"Cr24" + struct.pack("<II", 3, 4) + b"\x00\x00\x00\x00" + z)
PY
