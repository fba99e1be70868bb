#!/usr/bin/env bash
# Generates the image fixtures: clean images of every format the analyzer
# walks, the same with data appended (the 3CX '$'+base64 icon shape, random
# bytes, an inert PE header, text, padding, a zip), truncated ones and one
# with a lying chunk length. Random bytes come from a seeded generator, so
# reruns give the same files.
#
# Needs (Debian): python3, imagemagick (convert), icoutils (icotool).
set -euo pipefail
cd "$(dirname "$0")"
CONVERT=${CONVERT:-/usr/bin/convert} # /usr/local/bin may hold a stand-in
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# JPEGs and the animated GIF come from ImageMagick; metadata stripped so
# the bytes do not depend on the clock.
"$CONVERT" -size 32x24 gradient:red-blue -strip -quality 85 "$tmp/base.jpg"
"$CONVERT" -size 8x6 gradient:green-yellow -strip -quality 70 "$tmp/thumb.jpg"
"$CONVERT" -size 32x24 gradient:white-black -strip -quality 80 -interlace Plane jpeg-progressive.jpg
"$CONVERT" -size 16x16 xc:red -size 16x16 xc:blue -set delay 10 -loop 0 gif-anim.gif

python3 - "$tmp" <<'PY'
import base64, io, random, struct, sys, zipfile, zlib

tmp = sys.argv[1]
rnd = random.Random(3)

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

def read(name):
    with open(name, "rb") as f:
        return f.read()

def chunk(typ, data):
    return struct.pack(">I", len(data)) + typ + data + struct.pack(">I", zlib.crc32(typ + data))

def png(w, h, text=None):
    rows = b"".join(b"\x00" + b"".join(bytes(((x * 16) & 255, (y * 16) & 255, 128)) for x in range(w))
                    for y in range(h))
    idat = zlib.compress(rows, 9)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    if text:
        out += chunk(b"tEXt", text)
    half = len(idat) // 2  # two IDAT chunks, as encoders split them
    return out + chunk(b"IDAT", idat[:half]) + chunk(b"IDAT", idat[half:]) + chunk(b"IEND", b"")

clean_png = png(16, 16, b"Comment\x00vouch test image")
write("png.png", clean_png)
write(f"{tmp}/p16.png", png(16, 16))
write(f"{tmp}/p32.png", png(32, 32))

# JPEG with an EXIF thumbnail: APP1 holds a TIFF whose IFD1 points at a
# whole JPEG, SOI to EOI, inside the segment.
base, thumb = read(f"{tmp}/base.jpg"), read(f"{tmp}/thumb.jpg")
ifd0 = struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, 1, 0) + struct.pack(">I", 26)
ifd1 = struct.pack(">H", 3) + struct.pack(">HHIHH", 0x0103, 3, 1, 6, 0) \
    + struct.pack(">HHII", 0x0201, 4, 1, 68) + struct.pack(">HHII", 0x0202, 4, 1, len(thumb)) + struct.pack(">I", 0)
tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + ifd1
assert len(tiff) == 68
app1 = b"Exif\x00\x00" + tiff + thumb
seg = b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
assert base[:4] == b"\xff\xd8\xff\xe0"
app0_end = 4 + struct.unpack(">H", base[4:6])[0]
jpeg_exif = base[:app0_end] + seg + base[app0_end:]
write("jpeg-exif.jpg", jpeg_exif)
write("jpeg-chained.jpg", base + thumb)  # a second image after EOI (MPF, gain maps)

# BMP, 24 bits, 5x3: rows padded to 16 bytes.
def bmp(w, h):
    stride = (w * 24 + 31) // 32 * 4
    rows = b"".join(b"".join(bytes((x * 40, y * 80, 200)) for x in range(w)).ljust(stride, b"\x00") for y in range(h))
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(rows), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(rows), 0, 0, 54) + info + rows
clean_bmp = bmp(5, 3)
write("bmp.bmp", clean_bmp)

# BMP V5 with an embedded ICC profile after the pixels: the profile is
# part of the image.
w, h = 4, 2
rows = bytes(range(24))
profile = b"\x00\x00\x00\x40" + b"fake ICC profile for a test".ljust(60, b"\x00")
v5 = struct.pack("<IiiHHIIiiII", 124, w, h, 1, 24, 0, len(rows), 2835, 2835, 0, 0)
v5 += b"\x00" * 16 + b"MBED"[::-1] + b"\x00" * 36 + b"\x00" * 12 + struct.pack("<I", 4)
v5 += struct.pack("<III", 124 + len(rows), len(profile), 0)
assert len(v5) == 124
write("bmp-v5-profile.bmp", b"BM" + struct.pack("<IHHI", 14 + 124 + len(rows) + len(profile), 0, 0, 138) + v5 + rows + profile)

# Trailers.
payload = base64.b64encode(rnd.randbytes(62)).rstrip(b"=")
write("png-random.png", clean_png + rnd.randbytes(512))
write("png-newline.png", clean_png + b"\n")
z = io.BytesIO()
with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
    zi = zipfile.ZipInfo("run.txt", date_time=(2023, 3, 1, 0, 0, 0))
    zf.writestr(zi, b"not a real payload\n")
write("png-zip.png", clean_png + z.getvalue())
# An inert PE header: DOS header pointing at "PE\0\0" and an empty COFF header.
mz = bytearray(0x40)
mz[0:2] = b"MZ"
mz[0x3c:0x40] = struct.pack("<I", 0x40)
pe = bytes(mz) + b"PE\x00\x00" + struct.pack("<HHIIIHH", 0x8664, 0, 0, 0, 0, 0, 0x22)
write("jpeg-mz.jpg", jpeg_exif + pe)
write("gif-text.gif", read("gif-anim.gif") + b"Created with an image editor; see https://example.com/\n")
write("gif-unterminated.gif", read("gif-anim.gif")[:-1])
write("bmp-zeropad.bmp", clean_bmp + b"\x00" * 16)

# Truncated and lying files.
write("png-truncated.png", clean_png[:len(clean_png) - 30])
write("jpeg-truncated.jpg", jpeg_exif[:len(jpeg_exif) - 40])
gif = read("gif-anim.gif")
write("gif-truncated.gif", gif[:len(gif) * 2 // 3])
write("bmp-truncated.bmp", clean_bmp[:80])
lying = bytearray(clean_png)
i = lying.index(b"IDAT") - 4
lying[i:i + 4] = struct.pack(">I", 0x7ffffff0)
write("png-lying-length.png", bytes(lying))

with open(f"{tmp}/payload", "wb") as f:
    f.write(b"$" + payload)
with open(f"{tmp}/random300", "wb") as f:
    f.write(rnd.randbytes(300))
PY

# ICO: a 16x16 DIB entry and a 32x32 PNG entry stored as is.
icotool -c -o ico.ico "$tmp/p16.png" -r "$tmp/p32.png"

python3 - "$tmp" <<'PY'
import struct, sys
tmp = sys.argv[1]
ico = open("ico.ico", "rb").read()
payload = open(f"{tmp}/payload", "rb").read()
# The 3CX stage-2 shape: the icon, then '$' and base64.
open("ico-3cx.ico", "wb").write(ico + payload)
# The file ends inside the last entry.
open("ico-truncated.ico", "wb").write(ico[:len(ico) - 100])

# Data hidden inside the PNG entry, after IEND but within the entry's size.
count = struct.unpack("<H", ico[4:6])[0]
ents = [list(struct.unpack("<BBBBHHII", ico[6 + 16 * i:22 + 16 * i])) for i in range(count)]
orig = [list(e) for e in ents]
blobs = [ico[e[7]:e[7] + e[6]] for e in ents]
extra = open(f"{tmp}/random300", "rb").read()
blobs = [b + extra if b.startswith(b"\x89PNG") else b for b in blobs]
off = 6 + 16 * count
out = bytearray(ico[:6])
for e, b in zip(ents, blobs):
    e[6], e[7] = len(b), off
    out += struct.pack("<BBBBHHII", *e)
    off += len(b)
out += b"".join(blobs)
open("ico-entry-trailer.ico", "wb").write(bytes(out))

# The same payload between the directory and the first image: every entry
# moves, none refers to it.
out = bytearray(ico[:6])
off = 6 + 16 * count + len(payload)
for e in orig:
    e[7] = off
    out += struct.pack("<BBBBHHII", *e)
    off += e[6]
out += payload + ico[6 + 16 * count:]
open("ico-gap.ico", "wb").write(bytes(out))
PY
ls -l
