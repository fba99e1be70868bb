#!/usr/bin/env python3
"""Small in-place edits of PE fixtures for gen.sh (no third-party modules).

  pepatch.py FILE timestamp N         set the COFF TimeDateStamp
  pepatch.py FILE dir INDEX RVA SIZE  set a data directory entry
  pepatch.py FILE xor OFFSET          flip the bits of one byte (a "code change")
  pepatch.py FILE checksum            recompute the optional-header checksum
  pepatch.py FILE checksum N          store N as the checksum
"""
import struct
import sys


def headers(b):
    pe = struct.unpack_from("<I", b, 0x3C)[0]
    assert b[pe:pe + 4] == b"PE\0\0"
    opt = pe + 24
    magic = struct.unpack_from("<H", b, opt)[0]
    dirs = opt + (96 if magic == 0x10B else 112)
    return pe, opt, dirs


def checksum(b, off):
    s = 0
    data = bytes(b[:off]) + b"\0\0\0\0" + bytes(b[off + 4:])
    if len(data) % 2:
        data += b"\0"
    for (w,) in struct.iter_unpack("<H", data):
        s += w
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (s + len(b)) & 0xFFFFFFFF


def main():
    path, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    b = bytearray(open(path, "rb").read())
    pe, opt, dirs = headers(b)
    if cmd == "timestamp":
        struct.pack_into("<I", b, pe + 8, int(args[0], 0))
    elif cmd == "dir":
        i, rva, size = (int(a, 0) for a in args)
        struct.pack_into("<II", b, dirs + 8 * i, rva, size)
    elif cmd == "xor":
        b[int(args[0], 0)] ^= 0xFF
    elif cmd == "checksum":
        v = int(args[0], 0) if args else checksum(b, opt + 64)
        struct.pack_into("<I", b, opt + 64, v)
    else:
        sys.exit("unknown command " + cmd)
    open(path, "wb").write(b)


main()
