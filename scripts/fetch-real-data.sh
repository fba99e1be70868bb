#!/usr/bin/env bash
# Fetches real releases that tests run against, into a cache outside the
# repository, pinned by version and sha256. Missing data makes those tests
# skip, never fail. Needs npm and apt-get (Debian); safe to run repeatedly.
# Successive-release pairs (old and new version of one package, listed in
# internal/realdata/pairs.json) show what benign updates look like.
#
#   scripts/fetch-real-data.sh            # fetch what is missing
#   VOUCH_TESTDATA=/some/dir scripts/fetch-real-data.sh
#   VOUCH_TESTDATA_LARGE=0 scripts/fetch-real-data.sh   # skip the ~70 MB kernel pair
#
# Debian's older versions often live only in the security or point-release
# suites; once the archive drops a version its pin turns into a warning.
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

  # The older (or newer) half of each successive-release pair; the other
  # half is pinned above.
  "esbuild-win32-x64-0.28.1.tgz 5c5d62da7572b57ddc1fa3caedc36c1218b5d8d02ce9c7ee70e3339fce4453c4 npm:@esbuild/win32-x64@0.28.1"
  "esbuild-linux-x64-0.28.1.tgz 9ed00ab5330c94386f3273eda99a1fb0e8f37cfd6cb5270e4ad2fe3527da3546 npm:@esbuild/linux-x64@0.28.1"
  "esbuild-darwin-arm64-0.28.1.tgz 5d64cc9bc527d598450b5f8d47ff293eb9f3aea38dd9eff67fd55d228c5ccb43 npm:@esbuild/darwin-arm64@0.28.1"
  "ffmpeg-installer-win32-x64-4.0.3.tgz 4f50596824f35e51c7b81a75d8161b02bf35513234eafb7ae64a81d49c98ee37 npm:@ffmpeg-installer/win32-x64@4.0.3"
  "ffmpeg-installer-win32-x64-4.1.0.tgz 2aa313be3585994d710197bc4196f5fcbb6a1469be1013b24d200e45d773592f npm:@ffmpeg-installer/win32-x64@4.1.0"
  "ffmpeg-installer-linux-x64-4.0.5.tgz 4a958d85b03650d2ea5422468f15c95268db02e296886b0a10f66611c8f032fd npm:@ffmpeg-installer/linux-x64@4.0.5"
  "ffmpeg-installer-linux-x64-4.1.0.tgz b836abe532912ae6c3388dbe713952af293a3d005fc9e4d34d52f14da99dda71 npm:@ffmpeg-installer/linux-x64@4.1.0"
  "vscode-vsce-sign-win32-x64-2.0.5.tgz 2d005c268eca19643e61527fc58a591f5e0d943f1b52f71a1fd79d474055d2a6 npm:@vscode/vsce-sign-win32-x64@2.0.5"
  "sentry-cli-darwin-3.7.0.tgz 7c919ad7ee6d8164519d7755aa5228d02f530ab2ddb38bb28594c69b7bb8e3be npm:@sentry/cli-darwin@3.7.0"
  "7zip-bin-5.1.1.tgz bbb23b08abc09ebf5ecd2c0f0973e4b529524d29fb130be1f76997784c770db6 npm:7zip-bin@5.1.1"
  "openssl_3.0.20-1~deb12u2_amd64.deb 4d218561dc838de081de97f54584c4a29e77e26c7ed9fe3440d776d8e6071bf9 deb:openssl=3.0.20-1~deb12u2"
  "libssl3_3.0.20-1~deb12u2_amd64.deb 89be24b41bff568ee6e7caf5680a3d808e80315ed92e407056ce0fa7a5bda025 deb:libssl3=3.0.20-1~deb12u2"
  "curl_7.88.1-10+deb12u5_amd64.deb e3f80e7399b9ea2e78eaf68a96db7062ca1c22717f63437198464d2eee66d650 deb:curl=7.88.1-10+deb12u5"
  "openssh-client_1%3a9.2p1-2+deb12u9_amd64.deb 3159b10a9416169926edcdf4daddf16ac71fb56bc4a952d2a73754cc6741c053 deb:openssh-client=1:9.2p1-2+deb12u9"
  "openssh-client_1%3a9.2p1-2+deb12u10_amd64.deb 42c250b8b9110382488c53c066a960bc564ddac2cb9e449f47b6cdbb5fc1cb60 deb:openssh-client=1:9.2p1-2+deb12u10"
  "openssh-server_1%3a9.2p1-2+deb12u9_amd64.deb 8f1fa0257ca7a8c592e4da21e72994713e690347d6ef22126dea27f6dae23f20 deb:openssh-server=1:9.2p1-2+deb12u9"
  "openssh-server_1%3a9.2p1-2+deb12u10_amd64.deb 933cd92a2329f9bf26d22660a834ae18ebdbe8df9c6127e4d9fcb098dac9cf72 deb:openssh-server=1:9.2p1-2+deb12u10"
  "sudo_1.9.13p3-1+deb12u2_amd64.deb f270957f6fd911867697f0f2f03ad5ddccdde6a1fe01c2fe8094254d52529196 deb:sudo=1.9.13p3-1+deb12u2"
  "sudo_1.9.13p3-1+deb12u4_amd64.deb ea9987f92630be504998516e1ed9c821c483131d0576ff35a09d6e7f8deff10f deb:sudo=1.9.13p3-1+deb12u4"
  "libc6_2.36-9+deb12u7_amd64.deb eba944bd99c2f5142baf573e6294a70f00758083bc3c2dca4c9e445943a3f8e6 deb:libc6=2.36-9+deb12u7"
  "liblzma5_5.4.1-1+deb12u2_amd64.deb 3d8c29c8c21ec6007635e1b2591edf98b771c9572a085968f47452b33040f384 deb:liblzma5=5.4.1-1+deb12u2"
  "xz-utils_5.4.1-1+deb12u1_amd64.deb cc6dc501e0c06be3f89e9a7f8dfd7a97f92aadfd9daa60fad19b90d6a5558b80 deb:xz-utils=5.4.1-1+deb12u1"
  "xz-utils_5.4.1-1+deb12u2_amd64.deb f99fc3fe4b4e5baecf5fd8b53853a82e1e71cb5ec187b36b0ddcf227a8961c8f deb:xz-utils=5.4.1-1+deb12u2"
  "git_1%3a2.39.5-0+deb12u2_amd64.deb 5446b1f6c6f9f058e7b22413b650a45b527c979eb2276d33f46570265ee5eb35 deb:git=1:2.39.5-0+deb12u2"
  "git_1%3a2.39.5-0+deb12u3_amd64.deb 637a85ddd6247fab13bdd0592f2f39aff04ce4dbf0655d3ab553ac359a38ce6f deb:git=1:2.39.5-0+deb12u3"
  "rsync_3.2.7-1+deb12u6_amd64.deb ce99de6b36cbb62dc614a73463e467f2c1ef509545a9a2b33cab19b50530b672 deb:rsync=3.2.7-1+deb12u6"
  "rsync_3.5.0+ds1-0+deb12u1_amd64.deb 26ea59ef1c3d05595e9637002ace6f4e00181638b438ecad0f1cf1659ebb67ed deb:rsync=3.5.0+ds1-0+deb12u1"
  "nginx_1.22.1-9+deb12u9_amd64.deb 4e7b52f8b31f26d77ffb5c427c41e36223e81b047242ecfa8dc1d7f939734885 deb:nginx=1.22.1-9+deb12u9"
  "nginx_1.22.1-9+deb12u11_amd64.deb 4e2778e675c07d0f2d8d3b6f5ff84f6483ade1d82c21c910eb9a2787e1cf1b1a deb:nginx=1.22.1-9+deb12u11"
  "libarchive13_3.6.2-1+deb12u4_amd64.deb ceacf45baae5fdf1ff9b80d9871c17a029c864c928af7620e456454d90c987f3 deb:libarchive13=3.6.2-1+deb12u4"
  "libarchive13_3.6.2-1+deb12u5_amd64.deb 45419b8c7646c1af12783ae31906ce2da4c465c1a948b01f8f44152d8269f403 deb:libarchive13=3.6.2-1+deb12u5"
  "7zip_22.01+really26.01+dfsg-0+deb12u1_amd64.deb 3b182c7983e5261cf003b6d778852fd1fb5274d5fd5d36287a3537c70a5c84b3 deb:7zip=22.01+really26.01+dfsg-0+deb12u1"
  "7zip_22.01+really26.02+dfsg-0+deb12u1_amd64.deb 5b72d419dc0fdaaf3765268e9b5edba6f545cd63f926d3c4d807fc3e33b86cdd deb:7zip=22.01+really26.02+dfsg-0+deb12u1"
  "grub-efi-amd64-signed_1+2.06+13+deb12u1_amd64.deb 009cf7628c0b6cf1f4472df8b9bf5db603028185db63670686d5b985c4f4bc9d deb:grub-efi-amd64-signed=1+2.06+13+deb12u1"
)
# Signed kernels (Secure-Boot signed vmlinuz and modules): consecutive ABI
# packages of one stable series, about 70 MB each.
if [ "${VOUCH_TESTDATA_LARGE:-1}" != 0 ]; then
  pins+=(
    "linux-image-6.1.0-50-amd64_6.1.176-1_amd64.deb 7b5597492a0a65aee61985a492e6bcc3f2cde830072a0e3b3d8c7e1b90279bd3 deb:linux-image-6.1.0-50-amd64=6.1.176-1"
    "linux-image-6.1.0-56-amd64_6.1.192-2_amd64.deb a86e2049672f52354c4536a089203b6c82639420424d31c91cf31a181fd4d8f1 deb:linux-image-6.1.0-56-amd64=6.1.192-2"
  )
fi

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
echo "fetch-real-data: $ok present, $missing missing, $(du -sm . | cut -f1) MB in $cache"
