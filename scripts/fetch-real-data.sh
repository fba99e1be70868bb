#!/usr/bin/env bash
# Fetches real releases that tests run against, into a cache outside the
# repository, pinned by version and sha256. Missing data makes those tests
# skip, never fail. Needs npm and apt-get (Debian); safe to run repeatedly.
#
#   scripts/fetch-real-data.sh            # fetch what is missing
#   VOUCH_TESTDATA=/some/dir scripts/fetch-real-data.sh
set -uo pipefail
cache="${VOUCH_TESTDATA:-${XDG_CACHE_HOME:-$HOME/.cache}/vouch-testdata}"
mkdir -p "$cache"
cd "$cache" || exit 1

# file  sha256  how
pins=(
  "esbuild-0.28.2.tgz e045f94c235c7adc50e77ba2a579c7bec41b496b6b47c3a7845f7c1e19959a88 npm:esbuild@0.28.2"
  "esbuild-linux-x64-0.28.2.tgz 9573bb2233aab0f9ea7647d5cca9726113cc1768de61d66b17267f4db84488f6 npm:@esbuild/linux-x64@0.28.2"
  "esbuild-win32-x64-0.28.2.tgz 7286c3611b6f1f4c4d9ec90adcbc478407ff0d28ead96567f361d53e67613e19 npm:@esbuild/win32-x64@0.28.2"
  "esbuild-darwin-arm64-0.28.2.tgz 1980cde09749094452b20d36ff267585ccb3f72749c7bc97291cd9996ccf5a2a npm:@esbuild/darwin-arm64@0.28.2"
  "7zip-bin-5.2.0.tgz 04f9738ee00be8be53f5d06254a9e6e4b5117b17f8b74058477d870e62764a7d npm:7zip-bin@5.2.0"
  "rcedit-5.0.2.tgz 39e3949ea1f187005043fc13acc31eb23887119ed1e4ff8cdb2d202c4a31ed73 npm:rcedit@5.0.2"
  "node-windows-0.1.14.tgz 293458de989c52475716a7dcf0c752e4a62ebbdee40571c7bdc3b2afda66e42e npm:node-windows@0.1.14"
  "sentry-cli-darwin-3.8.0.tgz 711d8d61e448b2e8a10c217acbfe206db7456e0072f041136e3bf7935fdf5cfa npm:@sentry/cli-darwin@3.8.0"
  "liblzma5_5.4.1-1+deb12u1_amd64.deb f96d8876b53ec89d76a992bc199679b818cf518225a768954d9451fb556a4eb7 deb:liblzma5=5.4.1-1+deb12u1"
  "curl_7.88.1-10+deb12u15_amd64.deb 0dd9b6bf7a0bd11af2d68a52ec44c2a223fa7c11f9104c36ce1047e1137d4a8f deb:curl=7.88.1-10+deb12u15"
  "openssl_3.0.22-1~deb12u2_amd64.deb 5cdf0b735b1c8a96ae0bf83ed328c83c2170f8320dedb035e98705b60b2d0cfe deb:openssl=3.0.22-1~deb12u2"
  "libssl3_3.0.22-1~deb12u2_amd64.deb cb4784740daa9b3b0eaea2b444bbefa686794afbbf3d678d238c1fd9875f2efd deb:libssl3=3.0.22-1~deb12u2"
  "lightbox2-2.11.4.tgz 57f685f3e66da15d61473a55ed85d7cbe26ae061dceebceae21705798409e774 npm:lightbox2@2.11.4"
  "cra-template-1.2.0.tgz 146e35543982f5d0fff36815b76df4650aa0e3f1013672b57b1ffed796e035f1 npm:cra-template@1.2.0"
  "nsis-common_3.08-3+deb12u1_all.deb f1c9e63389c947442fddd5ca446e22966e8f03fc10663f998cf7df58642f9b52 deb:nsis-common=3.08-3+deb12u1"
  "libc6_2.36-9+deb12u14_amd64.deb ba4f88f73dbc3ae9055f3c20f4523bfdbaf1ad13ff95e258924f77d20b4fbedf deb:libc6=2.36-9+deb12u14"
  "libwine_8.0~repack-4_amd64.deb 512b715f32fccf2ebec2b63f23d9d83394d30e27cc5570a8ef92c5d3627ef305 deb:libwine=8.0~repack-4"
  "node-notifier-10.0.1.tgz 5e75d1bb41696f3334481ec083204335e519920d292855cb6afb6b0e2d9afe9b npm:node-notifier@10.0.1"
  "vscode-vsce-sign-win32-x64-2.0.6.tgz 40b37323721d26b8de449f4283fab8056b3d669f15d3b4b0ab7b65d26e802484 npm:@vscode/vsce-sign-win32-x64@2.0.6"
  "grub-efi-amd64-signed_1+2.06+13+deb12u2_amd64.deb fbe2b28166a6dca8111bbf6a30d52d4781973c3a0440d8080f901e039b1f83f2 deb:grub-efi-amd64-signed=1+2.06+13+deb12u2"
  "shim-signed_1.51~1+deb12u1+16.1-2~deb12u1_amd64.deb c2acf5e559664bbadb7ce5789f9a321f39754a34854d3097b8cc0369df513b3b deb:shim-signed=1.51~1+deb12u1+16.1-2~deb12u1"
  "shim-unsigned_16.1-2~deb12u1_amd64.deb 0e6bb35c8dfef3df78f623f90f676a53a9eb128e109802dc8471f0b30cb95191 deb:shim-unsigned=16.1-2~deb12u1"
  "python3-setuptools_66.1.1-1+deb12u2_all.deb 96f934b8dbe4367c4cf9e4c740aa5c85f9a9ac8875a16556c8677fb342c7838f deb:python3-setuptools=66.1.1-1+deb12u2"
)

ok=0 missing=0
for pin in "${pins[@]}"; do
  read -r file sum how <<<"$pin"
  if [ ! -f "$file" ] || ! echo "$sum  $file" | sha256sum -c --quiet - 2>/dev/null; then
    rm -f "$file"
    case "$how" in
      npm:*) timeout 300 npm pack --silent "${how#npm:}" >/dev/null 2>&1 ;;
      deb:*) timeout 300 apt-get download -qq "${how#deb:}" >/dev/null 2>&1 ;;
    esac
  fi
  if [ -f "$file" ] && echo "$sum  $file" | sha256sum -c --quiet - 2>/dev/null; then
    ok=$((ok + 1))
  else
    echo "fetch-real-data: $file unavailable or sha256 mismatch (tests using it will skip)" >&2
    rm -f "$file"
    missing=$((missing + 1))
  fi
done
echo "fetch-real-data: $ok present, $missing missing, in $cache"
