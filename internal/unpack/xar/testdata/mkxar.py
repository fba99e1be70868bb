#!/usr/bin/env python3
"""Writes a xar archive from a JSON description (Debian has no xar tool).

    mkxar.py SPEC.json OUT.xar

SPEC is {"signed": bool, "files": [entry…]}; an entry is one of
    {"name": …, "file": PATH, "enc": "gzip"|"bzip2"|"none", "mode": "0644"}
    {"name": …, "dir": [entry…]}
    {"name": …, "symlink": TARGET}
and may have "name64": true to store its name base64-encoded.

The layout follows xar 1.6: a 28-byte big-endian header, the zlib TOC,
then the heap: the TOC's SHA-1 at offset 0, then (when signed) 256
placeholder signature bytes and a certificate in the TOC, then the file
data. The signature is not a real one: vouch only records that it is there.
"""
import base64
import bz2
import hashlib
import json
import struct
import sys
import zlib
from xml.sax.saxutils import escape

MTIME = "2024-01-02T03:04:05Z"
ENCODINGS = {
    "gzip": ("application/x-gzip", lambda d: zlib.compress(d, 9)),
    "bzip2": ("application/x-bzip2", lambda d: bz2.compress(d, 9)),
    "none": ("application/octet-stream", lambda d: d),
}


def sha1(b):
    return hashlib.sha1(b).hexdigest()


class Writer:
    def __init__(self, reserved):
        self.heap = bytearray(reserved)
        self.next_id = 1

    def entry(self, e, indent):
        fid = self.next_id
        self.next_id += 1
        pad = " " * indent
        out = [f'{pad}<file id="{fid}">']
        if e.get("name64"):
            b64 = base64.b64encode(e["name"].encode()).decode()
            out.append(f'{pad} <name enctype="base64">{b64}</name>')
        else:
            out.append(f"{pad} <name>{escape(e['name'])}</name>")
        out.append(f"{pad} <mtime>{MTIME}</mtime>")
        if "dir" in e:
            out.append(f"{pad} <type>directory</type>")
            out.append(f"{pad} <mode>{e.get('mode', '0755')}</mode>")
            for c in e["dir"]:
                out.extend(self.entry(c, indent + 1))
        elif "symlink" in e:
            out.append(f"{pad} <type>symlink</type>")
            out.append(f'{pad} <link type="file">{escape(e["symlink"])}</link>')
        else:
            data = open(e["file"], "rb").read()
            style, enc = ENCODINGS[e.get("enc", "gzip")]
            archived = enc(data)
            off = len(self.heap)
            self.heap += archived
            out.append(f"{pad} <type>file</type>")
            out.append(f"{pad} <mode>{e.get('mode', '0644')}</mode>")
            out.append(f"{pad} <data>")
            out.append(f"{pad}  <length>{len(archived)}</length>")
            out.append(f"{pad}  <offset>{off}</offset>")
            out.append(f"{pad}  <size>{len(data)}</size>")
            out.append(f'{pad}  <encoding style="{style}"/>')
            out.append(f'{pad}  <archived-checksum style="sha1">{sha1(archived)}</archived-checksum>')
            out.append(f'{pad}  <extracted-checksum style="sha1">{sha1(data)}</extracted-checksum>')
            out.append(f"{pad} </data>")
        out.append(f"{pad}</file>")
        return out


def main():
    spec = json.load(open(sys.argv[1]))
    signed = spec.get("signed", False)
    sig_len = 256 if signed else 0
    w = Writer(20 + sig_len)
    toc = ['<?xml version="1.0" encoding="UTF-8"?>', "<xar>", " <toc>"]
    toc += ['  <checksum style="sha1">', "   <offset>0</offset>", "   <size>20</size>", "  </checksum>"]
    toc.append(f"  <creation-time>{MTIME[:-1]}</creation-time>")
    if signed:
        cert = base64.b64encode(b"placeholder certificate, not DER").decode()
        toc += ['  <signature style="RSA">', "   <offset>20</offset>", f"   <size>{sig_len}</size>",
                '   <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">',
                f"    <X509Data><X509Certificate>{cert}</X509Certificate></X509Data>",
                "   </KeyInfo>", "  </signature>"]
    for e in spec["files"]:
        toc += w.entry(e, 2)
    toc += [" </toc>", "</xar>", ""]
    raw = "\n".join(toc).encode()
    ctoc = zlib.compress(raw, 9)
    w.heap[0:20] = hashlib.sha1(ctoc).digest()
    if signed:
        w.heap[20:20 + sig_len] = bytes(range(256))
    header = struct.pack(">4sHHQQI", b"xar!", 28, 1, len(ctoc), len(raw), 1)
    with open(sys.argv[2], "wb") as f:
        f.write(header + ctoc + bytes(w.heap))


main()
