#!/usr/bin/env bash
# Writes mixed.bin: a small binary with one endpoint per encoding at fixed
# offsets (plain ASCII, bare IP, UTF-16LE, single-byte XOR 0x5a, base64,
# a bare host name) between filler bytes. Needs python3 only.
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import base64
b = bytearray(b"\xcc" * 0x140)
def put(off, data):
    b[off:off + len(data)] = data
put(0x00, b"MZ")
put(0x1f, b"\x00https://plain.example.invalid/update\x00")
put(0x4f, b"\x00185.220.101.7\x00")
put(0x5e, b"\x00\x00" + "https://wide.example.invalid/cfg".encode("utf-16-le") + b"\x00\x00")
put(0xa0, bytes(c ^ 0x5a for c in b"https://xor.example.invalid/gate\x00"))
put(0xc1, b"\x00" + base64.b64encode(b"https://b64.example.invalid/stage2") + b"\x00")
put(0xff, b"\x00update.microsoft-support.xyz\x00")
open("mixed.bin", "wb").write(b)
PY
