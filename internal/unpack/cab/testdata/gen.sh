#!/usr/bin/env bash
# Regenerates the cabinet fixtures of this directory.
# Needs the Debian packages: gcab, osslsigncode, openssl (coreutils, xxd).
# The signing key and CA are made fresh on every run in a temporary
# directory: they are throw-away TEST-ONLY keys and are not kept.
set -euo pipefail
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Payload: a short text, a nested path (stored as sub\inner.txt), a non-ASCII
# name, and ~60 KB of numbers so MSZIP needs two CFDATA blocks.
mkdir -p "$work/src/sub"
printf 'hello cab\n' >"$work/src/hello.txt"
printf 'nested\n' >"$work/src/sub/inner.txt"
printf 'caf\xc3\xa9\n' >"$work/src/café.txt"
seq 1 12000 >"$work/src/numbers.txt"
find "$work/src" -exec touch -d '2024-01-02 03:04:06' {} +

(cd "$work/src" && gcab -c -z "$work/mszip.cab" hello.txt sub/inner.txt café.txt numbers.txt)
(cd "$work/src" && gcab -c "$work/none.cab" hello.txt sub/inner.txt café.txt)
cp "$work/mszip.cab" mszip.cab
cp "$work/none.cab" none.cab

# LZX: gcab cannot write it, so take the stored cabinet and set its folder's
# typeCompress (offset 36+6: no reserve, after coffCabStart and cCFData) to
# 0x1503, LZX with a 2 MiB window. The data is not LZX; vouch must refuse
# the members before it decodes anything.
cp none.cab lzx.cab
printf '\x03\x15' | dd of=lzx.cab bs=1 seek=42 conv=notrunc status=none

# A cabinet cut inside the numbers' second block.
head -c 20000 mszip.cab >truncated.cab

# A stored cabinet with one data byte flipped: the CFDATA checksum fails.
cp none.cab badsum.cab
off=$(( $(grep -abo 'hello cab' badsum.cab | head -1 | cut -d: -f1) ))
printf 'j' | dd of=badsum.cab bs=1 seek="$off" conv=notrunc status=none

# Authenticode-signed cabinet, with a throw-away TEST-ONLY CA.
cat >"$work/ext.cnf" <<'CNF'
[ca_ext]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[leaf_ext]
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
CNF
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
	-keyout "$work/ca.key" -out "$work/ca.pem" -subj "/CN=Vouch TEST-ONLY Root CA" \
	-config <(cat /etc/ssl/openssl.cnf "$work/ext.cnf") -extensions ca_ext 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$work/leaf.key" -out "$work/leaf.csr" -subj "/CN=Vouch TEST-ONLY Code Signing" 2>/dev/null
openssl x509 -req -in "$work/leaf.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
	-days 3650 -out "$work/leaf.pem" -extfile "$work/ext.cnf" -extensions leaf_ext 2>/dev/null
osslsigncode sign -certs "$work/leaf.pem" -key "$work/leaf.key" -ac "$work/ca.pem" \
	-n "vouch test cabinet" -in mszip.cab -out "$work/signed.cab" >/dev/null
cp "$work/signed.cab" signed.cab

ls -l ./*.cab
