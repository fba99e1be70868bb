#!/usr/bin/env bash
# Regenerates the Authenticode fixtures in this directory: tiny inert PE
# files (they return a number and do nothing else), signed by a throw-away
# TEST-ONLY CA, then tampered with the way real attacks do.
#
# Needs (Debian): gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 osslsigncode
# openssl msitools gcab python3 ca-certificates dpkg. Tests use only the
# committed outputs.
#
# Two public certificates are copied, not generated:
#   digicert-trusted-root-g4.pem  from ca-certificates (the name the
#                                 look-alike fixture imitates)
#   debian-uefi-ca.pem            /usr/share/shim/debian-uefi-ca.der of
#                                 shim-unsigned 16.1-2~deb12u1 (sha256 of the
#                                 DER 079646974bce09b1...cbf1a2), taken from
#                                 the real-data cache when it is there
#
#   internal/analyze/authenticode/testdata/gen.sh
set -euo pipefail
cd "$(dirname "$0")"
out=$PWD
rm -f -- *.exe *.dll *.msi *.cab TEST-ONLY-*.pem digicert-trusted-root-g4.pem
cache="${VOUCH_TESTDATA:-${XDG_CACHE_HOME:-$HOME/.cache}/vouch-testdata}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Fixed times keep signatures and timestamps stable in meaning (not bytes:
# keys are new on every run).
sign_time=1735689600 # 2025-01-01T00:00:00Z
ts_time=1735693200   # 2025-01-01T01:00:00Z

# --- throw-away CA: root -> intermediate -> code signing leaf, and a TSA ---
cat > ext.cnf <<'CNF'
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_tsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
key() { openssl genrsa -out "$1" 2048 2>/dev/null; }
# Every certificate comes from "openssl ca" so validity can start in the
# past: the fixed signing and timestamp times must fall inside it.
valid=(-startdate 20190101000000Z -enddate 21190101000000Z)
ca_cnf() { # name
  mkdir -p "ca-$1"; : > "ca-$1/index"
  # random serials: issuer + serial must name one certificate
  printf '%02x%s\n' $((RANDOM % 96 + 16)) "$(openssl rand -hex 7)" > "ca-$1/serial"
  cat > "ca-$1.cnf" <<CNF
[ca]
default_ca = d
[d]
database = ca-$1/index
serial = ca-$1/serial
new_certs_dir = ca-$1
default_md = sha256
policy = p
unique_subject = no
preserve = yes
[p]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
CNF
  cat ext.cnf >> "ca-$1.cnf"
}
selfsigned() { # name subject
  key "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  ca_cnf "$1"
  openssl ca -batch -selfsign -config "ca-$1.cnf" -keyfile "$1.key" -in "$1.csr" \
    -out "$1.pem" -extensions v3_ca -notext "${valid[@]}" 2>/dev/null
}
issue() { # name subject issuer section [validity args...]
  local name=$1 subj=$2 ca=$3 sect=$4; shift 4
  key "$name.key"
  openssl req -new -key "$name.key" -subj "$subj" -out "$name.csr"
  ca_cnf "$name"
  if [ $# -eq 0 ]; then set -- "${valid[@]}"; fi
  openssl ca -batch -config "ca-$name.cnf" -cert "$ca.pem" -keyfile "$ca.key" \
    -in "$name.csr" -out "$name.pem" -extensions "v3_$sect" -notext "$@" 2>/dev/null
}
selfsigned root "/CN=vouch TEST-ONLY Root CA/O=vouch test fixtures"
issue inter "/CN=vouch TEST-ONLY Code Signing CA/O=vouch test fixtures" root ca
issue leaf "/CN=vouch TEST-ONLY Publisher/O=vouch test fixtures" inter leaf
issue tsa "/CN=vouch TEST-ONLY Timestamp Authority/O=vouch test fixtures" root tsa
# A signer whose certificate expired long ago.
issue old "/CN=vouch TEST-ONLY Expired Publisher/O=vouch test fixtures" inter leaf \
  -startdate 20200101000000Z -enddate 20210101000000Z
# A look-alike root: the exact name of a real, widely trusted root, with our
# own key.
selfsigned fakeroot "/C=US/O=DigiCert Inc/OU=www.digicert.com/CN=DigiCert Trusted Root G4"
issue fakeleaf "/CN=Contoso Software Ltd/O=Contoso Software Ltd" fakeroot leaf
cat leaf.pem inter.pem > chain.pem
cat old.pem inter.pem > oldchain.pem
cat fakeleaf.pem fakeroot.pem > fakechain.pem

# --- inert programs ---
cat > hello.c <<'C'
__declspec(dllexport) int vouch_fixture(int x) { return x * 3 + 1; }
int start(void) { return vouch_fixture(13); }
C
x86_64-w64-mingw32-gcc -Os -s -nostdlib -Wl,--entry=start -o hello64.exe hello.c
i686-w64-mingw32-gcc -Os -s -nostdlib -Wl,--entry=_start -o hello32.exe hello.c
x86_64-w64-mingw32-gcc -Os -s -nostdlib -shared -Wl,--entry=start -o hello.dll hello.c

sign() { # in out [osslsigncode args...]
  local in=$1 o=$2; shift 2
  osslsigncode sign -certs chain.pem -key leaf.key -n "vouch fixture" -time $sign_time "$@" \
    -in "$in" -out "$o" >/dev/null
}
tsa=(-TSA-certs tsa.pem -TSA-key tsa.key -TSA-time $ts_time)

cp hello64.exe "$out/unsigned.exe"
sign hello32.exe "$out/signed.exe" -h sha256 "${tsa[@]}"
sign hello.dll "$out/signed.dll" -h sha256
sign hello.dll sha1.dll -h sha1
sign sha1.dll "$out/nested.dll" -h sha256 -nest
osslsigncode sign -certs oldchain.pem -key old.key -n "vouch fixture" -h sha256 -time $sign_time \
  -in hello64.exe -out "$out/expired.exe" >/dev/null
osslsigncode sign -certs oldchain.pem -key old.key -n "vouch fixture" -h sha256 -time 1590969600 \
  -TSA-certs tsa.pem -TSA-key tsa.key -TSA-time 1590973200 \
  -in hello64.exe -out "$out/expired-timestamped.exe" >/dev/null
osslsigncode sign -certs fakechain.pem -key fakeleaf.key -n "vouch fixture" -h sha256 -time $sign_time \
  -in hello64.exe -out "$out/lookalike.exe" >/dev/null

python3 - "$out" <<'PY'
import os, random, struct, sys
out = sys.argv[1]
rnd = random.Random(3)  # fixed seed: reproducible payloads

def pe_offsets(b):
    pe = struct.unpack_from('<I', b, 0x3c)[0]
    magic = struct.unpack_from('<H', b, pe + 24)[0]
    opt = pe + 24
    cksum = opt + 64
    dd = opt + (96 if magic == 0x10b else 112)
    return cksum, dd + 4 * 8  # security directory entry

def checksum(b, cksum_off):
    s = 0
    data = bytes(b)
    if len(data) % 2:
        data += b'\0'
    for i in range(0, len(data), 2):
        if i == cksum_off or i == cksum_off + 2:
            continue
        s += data[i] | data[i + 1] << 8
        s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return (s + len(b)) & 0xffffffff

def fix_checksum(b):
    ck, _ = pe_offsets(b)
    struct.pack_into('<I', b, ck, checksum(b, ck))

def read(name):
    with open(os.path.join(out, name), 'rb') as f:
        return bytearray(f.read())

def write(name, b):
    with open(os.path.join(out, name), 'wb') as f:
        f.write(b)

def cert_dir(b):
    _, sec = pe_offsets(b)
    return sec, *struct.unpack_from('<II', b, sec)

# 3CX d3dcompiler_47.dll shape: a payload appended inside the (last)
# WIN_CERTIFICATE, dwLength and the directory size grown to match.
payload = bytearray(rnd.getrandbits(8) for _ in range(4096))
payload[100:104] = b'\xfe\xed\xfa\xce'
payload += b'\0' * (-len(payload) % 8)
def grow_entry(b, extra):
    sec, off, size = cert_dir(b)
    assert off + size == len(b)
    dwlen = struct.unpack_from('<I', b, off)[0]
    # pad the entry to 8 bytes first, then put the payload after it
    pad = -dwlen % 8
    b[off + dwlen:off + dwlen] = b'\0' * 0  # entries are already aligned in the file
    b += extra
    struct.pack_into('<I', b, off, dwlen + pad + len(extra))
    struct.pack_into('<I', b, sec + 4, size + len(extra))
    return b

b = grow_entry(read('signed.dll'), payload)
write('payload-stale.dll', b)         # checksum left stale (3CX)
b = bytearray(b); fix_checksum(b)
write('payload-fixed.dll', b)         # checksum fixed (X_TRADER / SigFlip)

# Directory-only growth: bytes after the entry, only the directory size grown.
b = read('signed.dll')
sec, off, size = cert_dir(b)
b += b'\0' * 512
struct.pack_into('<I', b, sec + 4, size + 512)
fix_checksum(b)
write('dironly.dll', b)

# Overlay after the certificate table (outside the signature).
b = read('signed.dll')
b += b'vouch-fixture-config: server=updates.example.invalid\n'
write('overlay.dll', b)

# One byte of code changed after signing: the first byte of .text.
b = read('signed.exe')
pe = struct.unpack_from('<I', b, 0x3c)[0]
nsec = struct.unpack_from('<H', b, pe + 6)[0]
optsz = struct.unpack_from('<H', b, pe + 20)[0]
st = pe + 24 + optsz
for i in range(nsec):
    name = bytes(b[st + 40 * i:st + 40 * i + 8]).rstrip(b'\0')
    if name == b'.text':
        raw = struct.unpack_from('<I', b, st + 40 * i + 20)[0]
        b[raw] ^= 0x01
        break
else:
    raise SystemExit('no .text')
write('modified.exe', b)
PY

# A legacy Authenticode timestamp (a PKCS#9 countersignature, as pre-2016
# signatures carry), from a one-request local server: osslsigncode speaks
# the legacy protocol only over HTTP. The time is the generation time.
cat > legacy-tsa.py <<'PY5'
import base64, http.server, os, subprocess, sys, tempfile
def tlv(b, i):
    tag, l = b[i], b[i + 1]
    i += 2
    if l & 0x80:
        n = l & 0x7f
        l = int.from_bytes(b[i:i + n], 'big')
        i += n
    return tag, b[i:i + l], i + l
def octets(b):
    i = 0
    while i < len(b):
        tag, val, i = tlv(b, i)
        if tag == 0x04:
            return val
        if tag & 0x20 and (r := octets(val)) is not None:
            return r
    return None
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        req = base64.b64decode(self.rfile.read(int(self.headers['Content-Length'])))
        with tempfile.NamedTemporaryFile() as f:
            f.write(octets(req))  # the signature value being timestamped
            f.flush()
            out = subprocess.run(['openssl', 'cms', '-sign', '-binary', '-nodetach', '-outform', 'DER',
                                  '-signer', 'tsa.pem', '-inkey', 'tsa.key', '-md', 'sha256', '-in', f.name],
                                 check=True, capture_output=True).stdout
        resp = base64.b64encode(out)
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(len(resp)))
        self.end_headers()
        self.wfile.write(resp)
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(('127.0.0.1', 0), H)
open('legacy-tsa.port', 'w').write(str(srv.server_address[1]))
srv.handle_request()
PY5
python3 legacy-tsa.py &
for _ in $(seq 50); do [ -s legacy-tsa.port ] && break; sleep 0.1; done
sign hello64.exe "$out/legacy-timestamped.exe" -h sha256 -t "http://127.0.0.1:$(cat legacy-tsa.port)"
wait

# A second WIN_CERTIFICATE entry (as in Debian's shimx64.efi): the SHA-1
# signature of the same image appended as its own entry. osslsigncode does
# not write two entries, so the table is extended by hand.
osslsigncode extract-signature -in sha1.dll -out sha1.p7 >/dev/null
python3 - "$out" sha1.p7 <<'PY2'
import os, struct, sys
out, p7 = sys.argv[1], open(sys.argv[2], 'rb').read()
b = bytearray(open(os.path.join(out, 'signed.dll'), 'rb').read())
pe = struct.unpack_from('<I', b, 0x3c)[0]
opt = pe + 24
magic = struct.unpack_from('<H', b, opt)[0]
sec = opt + (96 if magic == 0x10b else 112) + 32
off, size = struct.unpack_from('<II', b, sec)
assert off + size == len(b) and size % 8 == 0
entry = struct.pack('<IHH', 8 + len(p7), 0x0200, 2) + p7
entry += b'\0' * (-len(entry) % 8)
b += entry
struct.pack_into('<I', b, sec + 4, size + len(entry))
ck = opt + 64
struct.pack_into('<I', b, ck, 0)
data = bytes(b) + b'\0' * (len(b) % 2)
s = 0
for i in range(0, len(data), 2):
    s += data[i] | data[i + 1] << 8
    s = (s & 0xffff) + (s >> 16)
struct.pack_into('<I', b, ck, ((s & 0xffff) + (s >> 16) + len(b)) & 0xffffffff)
open(os.path.join(out, 'twoentries.dll'), 'wb').write(b)
PY2

# The SignerInfo names a certificate the signature does not carry (last
# byte of its serial number changed; that field is not signed): the
# signature cannot be checked, which is not the same as invalid.
serial=$(openssl x509 -in leaf.pem -noout -serial | cut -d= -f2)
python3 - "$out" "$serial" <<'PY4'
import os, sys
out, serial = sys.argv[1], bytes.fromhex(sys.argv[2])
b = bytearray(open(os.path.join(out, 'signed.dll'), 'rb').read())
i = b.rindex(serial)  # the SignerInfo comes after the certificates
b[i + len(serial) - 1] ^= 0x01
open(os.path.join(out, 'nosigner.dll'), 'wb').write(b)
PY4

# --- MSI: wixl output signed by osslsigncode ---
printf 'vouch test fixture\n' > readme.txt
cat > hello.wxs <<'WXS'
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="vouch fixture" Language="1033" Version="1.0.0" Manufacturer="vouch test fixtures"
           UpgradeCode="6b3c2f1e-1d2a-4c6b-9a77-2d7f1b9c0a11">
    <Package InstallerVersion="200" Compressed="yes" Comments="TEST-ONLY fixture"/>
    <Media Id="1" Cabinet="data.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="vouchfixture">
          <Component Id="Main" Guid="3f9a4a5e-8f7b-4f1b-9d3c-1a2b3c4d5e6f">
            <File Id="readme" Name="readme.txt" Source="readme.txt"/>
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="All" Level="1"><ComponentRef Id="Main"/></Feature>
  </Product>
</Wix>
WXS
wixl -o hello.msi hello.wxs
sign hello.msi "$out/signed.msi" -h sha256
sign hello.msi "$out/signed-ex.msi" -h sha256 -add-msi-dse

# --- CAB: gcab output (stored, no compression) signed by osslsigncode,
# which adds the 20-byte reserve area itself ---
printf 'vouch cab fixture\n' > a.txt
gcab -c plain.cab a.txt
sign plain.cab "$out/signed.cab" -h sha256

python3 - "$out" <<'PY3'
import os, random, struct, sys
out = sys.argv[1]
def rd(n): return bytearray(open(os.path.join(out, n), 'rb').read())
def wr(n, b): open(os.path.join(out, n), 'wb').write(b)
# One character of the MSI string pool changed after signing.
b = rd('signed.msi')
i = b.index(b'vouch test fixtures')
b[i] = ord('V')
wr('tampered.msi', b)
# One byte of a cabinet's file data changed after signing.
# The CFDATA checksum is zeroed ("not computed") as a careful attacker
# would, so only the signature notices.
b = rd('signed.cab')
i = b.index(b'vouch cab fixture')
b[i] = ord('V')
datastart = struct.unpack_from('<I', b, 60)[0]  # first CFFOLDER's coffCabStart
struct.pack_into('<I', b, datastart, 0)
wr('tampered.cab', b)
# The PE trick applied to a cabinet: payload appended inside the signature
# area, its declared size grown to match.
b = rd('signed.cab')
sigoff, siglen = struct.unpack_from('<II', b, 44)
assert sigoff + siglen == len(b)
rnd = random.Random(5)
payload = bytearray(rnd.getrandbits(8) for _ in range(2048))
payload[8:12] = b'\xfe\xed\xfa\xce'
b += payload
struct.pack_into('<I', b, 48, siglen + len(payload))
wr('payload.cab', b)
PY3

cp /etc/ssl/certs/DigiCert_Trusted_Root_G4.pem "$out/digicert-trusted-root-g4.pem"
deb="$cache/shim-unsigned_16.1-2~deb12u1_amd64.deb"
if [ -f "$deb" ]; then
  dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/shim/debian-uefi-ca.der |
    openssl x509 -inform DER -out "$out/debian-uefi-ca.pem"
fi
openssl x509 -in root.pem -out "$out/TEST-ONLY-root.pem"
echo "gen.sh: done"
