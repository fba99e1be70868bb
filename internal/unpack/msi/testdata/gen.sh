#!/usr/bin/env bash
# Regenerates the MSI fixtures of this directory and the bundled sample
# installers in /examples (TinyApp-1.0.0.msi, TinyApp-1.0.1.msi).
# Needs the Debian packages: gcc-mingw-w64-x86-64, wixl, msitools (msibuild),
# gcab, osslsigncode, openssl.
#
# Everything built here is inert: the programs only return 0. The signing
# key and CA are made fresh on every run in a temporary directory: they are
# throw-away TEST-ONLY keys and are not kept.
set -euo pipefail
cd "$(dirname "$0")"
export TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1704164646

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
examples=../../../../examples
mkdir -p payload/1.0.0 payload/1.0.1 "$examples"

# No timestamp, and no image base derived from the (temporary) output path.
cc() { x86_64-w64-mingw32-gcc -Os -s -nostdlib -Wl,--no-insert-timestamp -Wl,--disable-auto-image-base "$@"; }

# --- Payload -----------------------------------------------------------------
# ffmpeg.dll stands in for the codec DLL of the 3CX installer; 1.0.1 gains an
# export, so the two releases differ the way a trojanized rebuild would.
cat >"$work/ffmpeg.c" <<'C'
__declspec(dllexport) int av_version_info(void) { return 0; }
#ifdef V101
__declspec(dllexport) int av_log_set_level(int level) { return 0; }
#endif
int __stdcall DllMainCRTStartup(void *h, unsigned reason, void *r) { return 1; }
C
cat >"$work/d3d.c" <<'C'
__declspec(dllexport) int D3DCompile(void) { return 0; }
int __stdcall DllMainCRTStartup(void *h, unsigned reason, void *r) { return 1; }
C
cat >"$work/tinyapp.c" <<'C'
__declspec(dllimport) int av_version_info(void);
int mainCRTStartup(void) { return av_version_info(); }
C
cat >"$work/ca.c" <<'C'
/* Custom-action DLL kept in the Binary table; never run by the tests. */
__declspec(dllexport) unsigned __stdcall CheckLicense(unsigned long h) { return 0; }
int __stdcall DllMainCRTStartup(void *h, unsigned reason, void *r) { return 1; }
C
dll() { cc -shared -Wl,-e,DllMainCRTStartup "$@"; }
# Each build is linked under its installed name, so the DLL's export name and
# the EXE's import both say "ffmpeg.dll" (the side-loading layout of 3CX).
mkdir -p "$work/d100" "$work/d101"
dll -o "$work/d100/ffmpeg.dll" "$work/ffmpeg.c"
dll -DV101 -o "$work/d101/ffmpeg.dll" "$work/ffmpeg.c"
cp "$work/d100/ffmpeg.dll" "$work/ffmpeg-1.0.0.dll"
cp "$work/d101/ffmpeg.dll" "$work/ffmpeg-1.0.1.dll"
dll -o "$work/d3dcompiler_47.dll" "$work/d3d.c"
dll -o "$work/CustomAction.dll" "$work/ca.c"
cc -Wl,-e,mainCRTStartup -o "$work/TinyApp-unsigned.exe" "$work/tinyapp.c" "$work/d100/ffmpeg.dll"

# A 1x1 32-bit icon, written byte by byte.
printf '\x00\x00\x01\x00\x01\x00\x01\x01\x00\x00\x01\x00\x20\x00\x30\x00\x00\x00\x16\x00\x00\x00' >"$work/TinyApp.ico"
printf '\x28\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x01\x00\x20\x00' >>"$work/TinyApp.ico"
printf '\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' >>"$work/TinyApp.ico"
printf '\x00\x00\xff\xff\x00\x00\x00\x00' >>"$work/TinyApp.ico"
printf 'TinyApp is an inert test fixture of vouch.\n' >"$work/README.txt"

# --- Throw-away TEST-ONLY code-signing CA --------------------------------------
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
sign() { osslsigncode sign -certs "$work/leaf.pem" -key "$work/leaf.key" -ac "$work/ca.pem" -n TinyApp "$@" >/dev/null; }

sign -in "$work/TinyApp-unsigned.exe" -out "$work/TinyApp.exe"

cp "$work/TinyApp.exe" "$work/TinyApp.ico" "$work/README.txt" "$work/CustomAction.dll" payload/1.0.0/
cp "$work/ffmpeg-1.0.0.dll" payload/1.0.0/ffmpeg.dll
cp "$work/TinyApp.exe" "$work/TinyApp.ico" "$work/README.txt" "$work/CustomAction.dll" "$work/d3dcompiler_47.dll" payload/1.0.1/
cp "$work/ffmpeg-1.0.1.dll" payload/1.0.1/ffmpeg.dll

# --- Installers ----------------------------------------------------------------
# wxs VERSION EMBED CABINET EXTRA: File Ids differ from the file names, as in
# real installers, so the reader has to resolve them through the File table.
wxs() {
	cat <<X
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="8d7c2a47-3f0e-4a8e-9a55-2b6c7f1d$2" Name="TinyApp" Language="1033" Version="$1"
           Manufacturer="Vouch Test Fixtures" UpgradeCode="6a3c2b8e-6d3f-4b43-9d1e-0c3a5f1e2b10">
    <Package Id="0f4b6d2e-8c1a-4e3b-b7d9-5a6c8e0f$2" InstallerVersion="200" Compressed="yes"
             Description="TinyApp $1 test installer" Comments="Inert test fixture" Manufacturer="Vouch Test Fixtures"/>
    <Media Id="1" Cabinet="$4" EmbedCab="$3"/>
    <Binary Id="LicenseCheck" SourceFile="CustomAction.dll"/>
    <CustomAction Id="CheckLicense" BinaryKey="LicenseCheck" DllEntry="CheckLicense" Return="ignore"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="TinyApp">
          <Component Id="MainExe" Guid="2f0b6f0e-3b1a-4c55-8a3e-0d1f2e3c4b51">
            <File Id="fil_TinyApp_exe" Name="TinyApp.exe" Source="TinyApp.exe" KeyPath="yes"/>
          </Component>
          <Component Id="Codec" Guid="2f0b6f0e-3b1a-4c55-8a3e-0d1f2e3c4b52">
            <File Id="fil_ffmpeg_dll" Name="ffmpeg.dll" Source="ffmpeg.dll" KeyPath="yes"/>
          </Component>
          $5
          <Directory Id="ASSETSDIR" Name="assets">
            <Component Id="Assets" Guid="2f0b6f0e-3b1a-4c55-8a3e-0d1f2e3c4b53">
              <File Id="fil_icon" Name="TinyApp.ico" Source="TinyApp.ico" KeyPath="yes"/>
              <File Id="fil_readme" Name="README.txt" Source="README.txt"/>
            </Component>
          </Directory>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1">
      <ComponentRef Id="MainExe"/>
      <ComponentRef Id="Codec"/>
      <ComponentRef Id="Assets"/>
      $6
    </Feature>
    <InstallExecuteSequence>
      <Custom Action="CheckLicense" After="CostFinalize"/>
    </InstallExecuteSequence>
  </Product>
</Wix>
X
}
d3d_component='<Component Id="Compiler" Guid="2f0b6f0e-3b1a-4c55-8a3e-0d1f2e3c4b54">
            <File Id="fil_d3dcompiler" Name="d3dcompiler_47.dll" Source="d3dcompiler_47.dll" KeyPath="yes"/>
          </Component>'

build() { # build DIR VERSION ID-SUFFIX EMBED CABINET [D3D]
	local dir=$1 version=$2 id=$3 embed=$4 cabinet=$5 extra=${6:-}
	mkdir -p "$dir"
	cp "$work/TinyApp.exe" "$work/TinyApp.ico" "$work/README.txt" "$work/CustomAction.dll" "$dir/"
	if [[ $version == 1.0.0 ]]; then
		cp "$work/ffmpeg-1.0.0.dll" "$dir/ffmpeg.dll"
	else
		cp "$work/ffmpeg-1.0.1.dll" "$dir/ffmpeg.dll"
	fi
	cp "$work/d3dcompiler_47.dll" "$dir/"
	if [[ -n $extra ]]; then
		wxs "$version" "$id" "$embed" "$cabinet" "$d3d_component" '<ComponentRef Id="Compiler"/>' >"$dir/TinyApp.wxs"
	else
		wxs "$version" "$id" "$embed" "$cabinet" "" "" >"$dir/TinyApp.wxs"
	fi
	(cd "$dir" && wixl -o TinyApp.msi TinyApp.wxs)
	# wixl ignores Package/@Id: set a fixed package code.
	msibuild "$dir/TinyApp.msi" -s "TinyApp $version test installer" "Vouch Test Fixtures" "Intel;1033" \
		"{0F4B6D2E-8C1A-4E3B-B7D9-5A6C8E0F$id}"
}

# 1.0.0: short|long names and a file version set afterwards with msibuild,
# because wixl writes long names only and no versions.
build "$work/v100" 1.0.0 0100 yes tinyapp.cab
msibuild "$work/v100/TinyApp.msi" -q "UPDATE File SET FileName='FFMPEG~1.DLL|ffmpeg.dll', Version='6.0.0.0' WHERE File='fil_ffmpeg_dll'" \
	-q "UPDATE File SET FileName='TINYAPP.EXE|TinyApp.exe', Version='1.0.0.0' WHERE File='fil_TinyApp_exe'" \
	-q "UPDATE Directory SET DefaultDir='TINYAPP|TinyApp' WHERE Directory='INSTALLDIR'"
cp "$work/v100/TinyApp.msi" TinyApp-1.0.0.msi

# 1.0.1: a changed ffmpeg.dll, an added d3dcompiler_47.dll, Authenticode-signed.
build "$work/v101" 1.0.1 0101 yes tinyapp.cab d3d
msibuild "$work/v101/TinyApp.msi" -q "UPDATE File SET Version='6.0.1.0' WHERE File='fil_ffmpeg_dll'"
sign -in "$work/v101/TinyApp.msi" -out "$work/TinyApp-1.0.1.msi"
cp "$work/TinyApp-1.0.1.msi" TinyApp-1.0.1.msi

# External cabinet: wixl does not write one, so the MSI only names it
# (EmbedCab="no") and gcab builds it from files named by their File keys,
# plus one file no File row refers to.
build "$work/ext" 1.0.0 0e00 no tinyapp-ext.cab
mkdir -p "$work/extcab"
cp "$work/TinyApp.exe" "$work/extcab/fil_TinyApp_exe"
cp "$work/ffmpeg-1.0.0.dll" "$work/extcab/fil_ffmpeg_dll"
cp "$work/TinyApp.ico" "$work/extcab/fil_icon"
cp "$work/README.txt" "$work/extcab/fil_readme"
printf 'not listed in the File table\n' >"$work/extcab/orphan_key"
find "$work/extcab" -exec touch -d '2024-01-02 03:04:06' {} +
(cd "$work/extcab" && gcab -c -z "$work/tinyapp-ext.cab" fil_TinyApp_exe fil_ffmpeg_dll fil_icon fil_readme orphan_key)
cp "$work/ext/TinyApp.msi" TinyApp-ext.msi
cp "$work/tinyapp-ext.cab" tinyapp-ext.cab

# A cycle in the Directory table: assets -> TinyApp -> assets.
cp TinyApp-1.0.0.msi "$work/cycle.msi"
msibuild "$work/cycle.msi" -q "UPDATE Directory SET Directory_Parent='ASSETSDIR' WHERE Directory='INSTALLDIR'"
cp "$work/cycle.msi" cycle.msi

# Cut short: the header and FAT survive, the rest is gone.
head -c 6000 TinyApp-1.0.0.msi >truncated.msi

cp TinyApp-1.0.0.msi TinyApp-1.0.1.msi "$examples/"
ls -l ./*.msi ./*.cab payload/*/
