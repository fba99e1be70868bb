#!/usr/bin/env python3
"""Re-signs a thin 64-bit little-endian Mach-O that ld64.lld signed ad hoc,
the way codesign lays out a certificate signature: a SuperBlob with a
CodeDirectory (sha256, 4 KiB pages, identifier, team id, hardened runtime),
an empty requirements blob bound by special slot -2, and a detached CMS
signature over the CodeDirectory made by openssl with a TEST-ONLY key
(no signed attributes, so the output is deterministic).

--hashes sha1,sha256: a primary sha1 CodeDirectory (the one CMS signs) and
an alternate sha256 one in slot 0x1000, as codesign writes for old
deployment targets.

--stale-cms OFF: after signing, flip the byte at file offset OFF and hash the
pages again, keeping the old CMS signature: the pages match the new
CodeDirectory but the signature no longer covers it.

--rehash-alternates OFF: flip the byte at OFF and hash the pages again in
the alternate CodeDirectories only: the strongest directory matches the
file, the signed primary one does not.

Only for vouch's test fixtures; nothing here is a general signer.
"""
import argparse
import hashlib
import os
import struct
import subprocess
import tempfile

PAGE = 4096


def load_commands(data):
    ncmds = struct.unpack_from('<I', data, 16)[0]
    off = 32
    for _ in range(ncmds):
        cmd, size = struct.unpack_from('<II', data, off)
        yield cmd, off
        off += size


def segment(data, name):
    for cmd, off in load_commands(data):
        if cmd == 0x19 and data[off + 8:off + 24].rstrip(b'\0') == name:
            return off
    raise SystemExit('no segment %r' % name)


HASHES = {'sha1': (1, 20), 'sha256': (2, 32)}


def code_directory(data, limit, ident, team, special, hname='sha256'):
    htype, hsize = HASHES[hname]
    digest = lambda b: hashlib.new(hname, b).digest()
    special = [digest(b) if b is not None else b'\0' * hsize for b in special]
    ident = ident.encode() + b'\0'
    team = team.encode() + b'\0'
    nspecial = len(special)
    npages = (limit + PAGE - 1) // PAGE
    header = 88
    ident_off = header
    team_off = ident_off + len(ident)
    hash_off = team_off + len(team) + hsize * nspecial
    length = hash_off + hsize * npages
    text = segment(data, b'__TEXT')
    text_size = struct.unpack_from('<Q', data, text + 48)[0]
    cd = struct.pack('>IIIIIIIIIBBBBIIIIQQQQ',
                     0xfade0c02, length, 0x20400, 0x10000, hash_off, ident_off,
                     nspecial, npages, limit, hsize, htype, 0, 12, 0, 0, team_off, 0, 0,
                     0, text_size, 0)
    assert len(cd) == header
    cd += ident + team
    for h in reversed(special):  # slot -n first
        cd += h
    for i in range(npages):
        cd += digest(bytes(data[i * PAGE:min((i + 1) * PAGE, limit)]))
    assert len(cd) == length
    return cd


def cms(cd, cert, key, ca):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, 'cd')
        out = os.path.join(d, 'cms')
        with open(src, 'wb') as f:
            f.write(cd)
        subprocess.run(['openssl', 'cms', '-sign', '-binary', '-noattr', '-md', 'sha256',
                        '-in', src, '-signer', cert, '-inkey', key, '-certfile', ca,
                        '-outform', 'DER', '-out', out], check=True)
        with open(out, 'rb') as f:
            return f.read()


def superblob(blobs):
    count = len(blobs)
    off = 12 + 8 * count
    index, body = b'', b''
    for typ, b in blobs:
        index += struct.pack('>II', typ, off + len(body))
        body += b
    return struct.pack('>III', 0xfade0cc0, off + len(body), count) + index + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('input')
    ap.add_argument('output')
    ap.add_argument('--ident', required=True)
    ap.add_argument('--team', required=True)
    ap.add_argument('--cert', required=True)
    ap.add_argument('--key', required=True)
    ap.add_argument('--ca', required=True)
    ap.add_argument('--reserve', type=int, default=12288)
    ap.add_argument('--stale-cms', type=int, default=-1)
    ap.add_argument('--hashes', default='sha256')
    ap.add_argument('--rehash-alternates', type=int, default=-1)
    a = ap.parse_args()

    data = bytearray(open(a.input, 'rb').read())
    assert struct.unpack_from('<I', data, 0)[0] == 0xfeedfacf
    sig = [off for cmd, off in load_commands(data) if cmd == 0x1d][0]
    dataoff = struct.unpack_from('<I', data, sig + 8)[0]
    del data[dataoff:]  # drop the linker's signature
    struct.pack_into('<I', data, sig + 12, a.reserve)
    le = segment(data, b'__LINKEDIT')
    fileoff = struct.unpack_from('<Q', data, le + 40)[0]
    filesize = dataoff + a.reserve - fileoff
    struct.pack_into('<Q', data, le + 32, (filesize + 0x3fff) & ~0x3fff)  # vmsize
    struct.pack_into('<Q', data, le + 48, filesize)

    req = struct.pack('>III', 0xfade0c01, 12, 0)
    special = [None, req]  # -1 Info.plist (none), -2 requirements
    hashes = a.hashes.split(',')
    cds = [code_directory(data, dataoff, a.ident, a.team, special, h) for h in hashes]
    sig_der = cms(cds[0], a.cert, a.key, a.ca)
    if a.stale_cms >= 0:
        data[a.stale_cms] ^= 0xff
        cds = [code_directory(data, dataoff, a.ident, a.team, special, h) for h in hashes]
    if a.rehash_alternates >= 0:
        data[a.rehash_alternates] ^= 0xff
        cds[1:] = [code_directory(data, dataoff, a.ident, a.team, special, h) for h in hashes[1:]]
    wrapper = struct.pack('>II', 0xfade0b01, 8 + len(sig_der)) + sig_der
    blobs = [(0, cds[0]), (2, req)] + [(0x1000 + i, cd) for i, cd in enumerate(cds[1:])]
    sb = superblob(blobs + [(0x10000, wrapper)])
    assert len(sb) <= a.reserve, (len(sb), a.reserve)
    data += sb + b'\0' * (a.reserve - len(sb))
    with open(a.output, 'wb') as f:
        f.write(data)


if __name__ == '__main__':
    main()
