#!/usr/bin/env bash
# Regenerates the PE fixtures of internal/analyze/pe from testdata/src.
# Tests use only the committed outputs, never these tools.
#
# Debian packages: gcc-mingw-w64-x86-64 gcc-mingw-w64-i686
# binutils-mingw-w64-x86-64 (windres, dlltool, strip) python3 openssl
# osslsigncode
#
# Builds are reproducible (--no-insert-timestamp) except signed-tail.exe,
# which is signed with a throw-away key made here and not kept.
set -euo pipefail
cd "$(dirname "$0")"
src=src
out=.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cc64=x86_64-w64-mingw32-gcc
cc32=i686-w64-mingw32-gcc
flags=(-O2 -Wl,--no-insert-timestamp)
patch() { python3 "$src/pepatch.py" "$@"; }

# lib64.dll: named exports, #7 by ordinal only, VERSIONINFO, RCDATA and a
# resource of the named type BLOB; a fixed timestamp.
x86_64-w64-mingw32-windres "$src/lib.rc" -O coff -o "$tmp/lib.res.o"
$cc64 "${flags[@]}" -s -shared -o "$out/lib64.dll" "$src/lib.c" "$src/lib.def" "$tmp/lib.res.o" \
	-Wl,--out-implib,"$tmp/liblib64.a"
patch "$out/lib64.dll" timestamp 0x5f5e1000
patch "$out/lib64.dll" checksum

# app64.exe: imports lib64.dll (lib_add by name, #7 by ordinal), and
# user32.dll delay-loaded. GNU ld does not fill the delay-import data
# directory; set it from the descriptor's symbol in an unstripped link
# (strip would stamp the time).
x86_64-w64-mingw32-dlltool --input-def "$src/user32.def" --output-delaylib "$tmp/libuser32_delay.a" --dllname user32.dll
$cc64 "${flags[@]}" -o "$tmp/app64.exe" "$src/app.c" -L"$tmp" -llib64 "$tmp/libuser32_delay.a"
$cc64 "${flags[@]}" -s -o "$out/app64.exe" "$src/app.c" -L"$tmp" -llib64 "$tmp/libuser32_delay.a"
desc=$(x86_64-w64-mingw32-nm "$tmp/app64.exe" | awk '/__DELAY_IMPORT_DESCRIPTOR_/ {print $1}')
patch "$out/app64.exe" dir 13 $((0x$desc - 0x140000000)) 32
patch "$out/app64.exe" checksum

# tls64.exe: a TLS callback of its own beside the two of the MinGW runtime.
$cc64 "${flags[@]}" -s -o "$out/tls64.exe" "$src/tls.c"

# hello32.exe: PE32 (i386).
$cc32 "${flags[@]}" -s -o "$out/hello32.exe" "$src/hello.c"

# hello.efi: EFI application, no runtime; not stripped, so its COFF
# symbol table follows the sections.
$cc64 "${flags[@]}" -nostdlib -e efi_main -Wl,--subsystem,10 -o "$out/hello.efi" "$src/efi.c"

# driver.sys: kernel-mode driver (native subsystem, WDM flag, ntoskrnl.exe).
$cc64 "${flags[@]}" -s -nostdlib -e DriverEntry -Wl,--subsystem,native -Wl,--wdmdriver -o "$out/driver.sys" \
	"$src/driver.c" -lntoskrnl

# rwx64.exe: a writable and executable section (pe.rwx-section).
$cc64 "${flags[@]}" -s -o "$out/rwx64.exe" "$src/rwx.c"

# hello64.exe and checksum-bad.exe: the same program, the second with one
# byte of .text changed after linking (pe.checksum-mismatch).
$cc64 "${flags[@]}" -s -o "$out/hello64.exe" "$src/hello.c"
cp "$out/hello64.exe" "$out/checksum-bad.exe"
patch "$out/checksum-bad.exe" xor 0x500

# overlay64.exe: 4 KiB of high-entropy data appended; checksum fixed so
# only the overlay differs.
openssl enc -aes-128-ctr -nosalt -K 00000000000000000000000000000000 -iv 00000000000000000000000000000000 \
	-in <(head -c 4096 /dev/zero) -out "$tmp/overlay.bin"
cat "$out/hello64.exe" "$tmp/overlay.bin" >"$out/overlay64.exe"
patch "$out/overlay64.exe" checksum

# signed-tail.exe: overlay64.exe signed (the certificate table goes after
# the overlay, which becomes signed overlay), then 100 bytes appended after
# the table: overlay again, and a stale checksum.
openssl req -x509 -newkey rsa:2048 -nodes -subj "/CN=vouch TEST-ONLY signer" -days 3650 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
rm -f "$out/signed-tail.exe"
osslsigncode sign -certs "$tmp/cert.pem" -key "$tmp/key.pem" -in "$out/overlay64.exe" -out "$out/signed-tail.exe" >/dev/null
head -c 100 "$tmp/overlay.bin" >>"$out/signed-tail.exe"

# dotnet.exe: hello64.exe with a CLR runtime header directory entry (the
# header itself is not there: only presence is recorded).
cp "$out/hello64.exe" "$out/dotnet.exe"
patch "$out/dotnet.exe" dir 14 0x3000 72
patch "$out/dotnet.exe" checksum

# truncated.dll: lib64.dll cut inside its sections.
head -c 8000 "$out/lib64.dll" >"$out/truncated.dll"

ls -l "$out"/*.exe "$out"/*.dll "$out"/*.efi "$out"/*.sys
