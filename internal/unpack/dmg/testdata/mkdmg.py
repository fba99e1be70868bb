#!/usr/bin/env python3
"""Writes a small UDIF disk image (there is no hdiutil on Debian).

    mkdmg.py OUT.dmg [corrupt-zlib] [lying-mish] [codesign]

Layout (the facts are from the UDIF structures as documented by Jonathan
Levin, newosxbook.com/DMG.html): the data fork holds the chunks' bytes,
then comes the XML plist with one "blkx" entry per partition (a base64
"mish" block table), then the 512-byte "koly" trailer. Partitions:

  0 "Protective Master Boot Record (MBR : 0)": one raw sector.
  1 "disk image (Apple_HFS : 1)": 32 sectors made of a zlib chunk, a zero
    fill, a raw chunk, a gap, an ignored chunk, an ADC chunk (our own
    encoder: literal runs and both match forms), a bzip2 chunk, an LZMA
    (xz) chunk and a comment; sectors 14-15 and 30-31 are gaps.
  2 "lzfse (Apple_HFS : 2)": one LZFSE chunk (placeholder bytes).

Options: corrupt-zlib flips a byte inside the zlib chunk; lying-mish makes
partition 2's table claim a billion chunks; codesign points the trailer at
a (placeholder) code signature blob.
"""
import base64
import bz2
import lzma
import struct
import sys
import zlib

SECTOR = 512


def fill(s, n):
    return (s * (n // len(s) + 1))[:n]


def adc_encode(data):
    out = bytearray()
    lit = bytearray()

    def flush():
        while lit:
            run = lit[:128]
            out.append(0x80 | (len(run) - 1))
            out.extend(run)
            del lit[:len(run)]

    i = 0
    while i < len(data):
        best_len, best_dist = 0, 0
        for dist in range(1, min(i, 65536) + 1):
            n = 0
            while i + n < len(data) and n < 67 and data[i + n] == data[i + n - dist]:
                n += 1
            if n > best_len:
                best_len, best_dist = n, dist
        if best_len >= 3 and best_len <= 18 and best_dist <= 1024:
            flush()
            d = best_dist - 1
            out.append(((best_len - 3) << 2) | (d >> 8))
            out.append(d & 0xFF)
            i += best_len
        elif best_len >= 4:
            flush()
            d = best_dist - 1
            out.append(0x40 | (best_len - 4))
            out.append(d >> 8)
            out.append(d & 0xFF)
            i += best_len
        else:
            lit.append(data[i])
            i += 1
    flush()
    return bytes(out)


def mish(first_sector, sectors, chunks, claim=None):
    head = struct.pack(">4sIQQQII24x", b"mish", 1, first_sector, sectors, 0, 0, 0)
    head += struct.pack(">II128x", 0, 0)  # checksum
    head += struct.pack(">I", claim if claim is not None else len(chunks))
    return head + b"".join(struct.pack(">IIQQQQ", *c) for c in chunks)


def main():
    out, opts = sys.argv[1], set(sys.argv[2:])
    fork = bytearray()

    def put(data):
        off = len(fork)
        fork.extend(data)
        return off, len(data)

    # Partition 0: a protective MBR.
    mbr = bytes(510) + b"\x55\xaa"
    o, n = put(mbr)
    p0 = mish(0, 1, [(1, 0, 0, 1, o, n), (0xFFFFFFFF, 0, 1, 0, 0, 0)])

    # Partition 1.
    zl = zlib.compress(fill(b"zlib chunk ", 8 * SECTOR), 9)
    zo, zn = put(zl)
    if "corrupt-zlib" in opts:
        fork[zo + zn // 2] ^= 0xFF
    ro, rn = put(fill(b"raw chunk ", 2 * SECTOR))
    ao, an = put(adc_encode(fill(b"adc chunk abcabcabc ", 4 * SECTOR)))
    bo, bn = put(bz2.compress(fill(b"bzip2 chunk ", 4 * SECTOR), 9))
    lo, ln = put(lzma.compress(fill(b"lzma chunk ", 4 * SECTOR), format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32))
    p1 = mish(1, 32, [
        (0x80000005, 0, 0, 8, zo, zn),
        (0x00000000, 0, 8, 4, 0, 0),
        (0x00000001, 0, 12, 2, ro, rn),
        (0x00000002, 0, 16, 2, 0, 0),
        (0x80000004, 0, 18, 4, ao, an),
        (0x80000006, 0, 22, 4, bo, bn),
        (0x7FFFFFFE, 0, 26, 0, 0, 0),
        (0x80000008, 0, 26, 4, lo, ln),
        (0xFFFFFFFF, 0, 32, 0, 0, 0),
    ])

    # Partition 2: LZFSE.
    fo, fn = put(b"bvx2" + bytes(60))
    p2 = mish(33, 1, [(0x80000007, 0, 0, 1, fo, fn), (0xFFFFFFFF, 0, 1, 0, 0, 0)],
              claim=1_000_000_000 if "lying-mish" in opts else None)

    def entry(i, name, data):
        return (f"\t\t\t<dict>\n\t\t\t\t<key>Attributes</key>\n\t\t\t\t<string>0x0050</string>\n"
                f"\t\t\t\t<key>CFName</key>\n\t\t\t\t<string>{name}</string>\n"
                f"\t\t\t\t<key>Data</key>\n\t\t\t\t<data>{base64.b64encode(data).decode()}</data>\n"
                f"\t\t\t\t<key>ID</key>\n\t\t\t\t<string>{i - 1}</string>\n"
                f"\t\t\t\t<key>Name</key>\n\t\t\t\t<string>{name}</string>\n\t\t\t</dict>\n")

    plist = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
             '<plist version="1.0">\n<dict>\n\t<key>resource-fork</key>\n\t<dict>\n\t\t<key>blkx</key>\n\t\t<array>\n'
             + entry(0, "Protective Master Boot Record (MBR : 0)", p0)
             + entry(1, "disk image (Apple_HFS : 1)", p1)
             + entry(2, "lzfse (Apple_HFS : 2)", p2)
             + "\t\t</array>\n\t</dict>\n</dict>\n</plist>\n").encode()

    sig = b""
    if "codesign" in opts:
        sig = b"\xfa\xde\x0c\xc0" + bytes(60)  # a placeholder superblob
    data_len = len(fork)
    body = bytes(fork) + sig + plist
    sig_off = data_len if sig else 0
    plist_off = data_len + len(sig)

    koly = struct.pack(">4sIIIQQQQQII16s", b"koly", 4, 512, 1, 0, 0, data_len, 0, 0, 1, 1, bytes(16))
    koly += struct.pack(">II128x", 0, 0)                # data checksum
    koly += struct.pack(">QQ", plist_off, len(plist))   # 0xd8
    koly += bytes(64)
    koly += struct.pack(">QQ", sig_off, len(sig))       # 0x128
    koly += bytes(40)
    koly += struct.pack(">II128x", 0, 0)                # main checksum, 0x160
    koly += struct.pack(">IQ12x", 1, 34)                # variant, sectors
    assert len(koly) == 512, len(koly)
    open(out, "wb").write(body + koly)


main()
