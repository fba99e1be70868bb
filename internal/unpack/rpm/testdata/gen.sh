#!/bin/bash
# Regenerates the rpm fixtures. Needs the Debian packages rpm (rpmbuild,
# rpmsign), gnupg and gcc. Run from anywhere; writes next to this script.
# Everything is deterministic except hello_signed.rpm (a fresh key and
# signature each run).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
export LC_ALL=C
cd "$work"

# A tiny static binary that only exits: real ELF bytes, no libc.
cat > hello.c <<'EOF'
void _start(void) { __asm__ volatile("mov $60, %eax\n xor %edi, %edi\n syscall"); }
EOF
gcc -Os -s -nostdlib -static -fno-asynchronous-unwind-tables -Wl,--build-id=none -o hello hello.c

cat > hello.spec <<'EOF'
Name: hello
Version: 1.0
Release: 1
Summary: test fixture for vouch
License: MIT
Vendor: Vouch Test
%global debug_package %{nil}
%define __os_install_post %{nil}

%description
A package that only exits.

%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/usr/share/hello
install -m 0755 %{srcbin} %{buildroot}/usr/bin/hello
printf 'hello is a test fixture.\n' > %{buildroot}/usr/share/hello/README
ln -s ../share/hello/README %{buildroot}/usr/bin/hello-readme
printf 'same bytes, two names\n' > %{buildroot}/usr/share/hello/link-a
ln %{buildroot}/usr/share/hello/link-a %{buildroot}/usr/share/hello/link-b

%pre
echo "pre-install $1"

%post
echo "post-install $1"
/usr/bin/true

%preun -p /sbin/ldconfig

%posttrans -p <lua>
print("posttrans")

%triggerin -- bash
echo "bash changed"

%verifyscript
echo verify

%files
%dir /usr/share/hello
/usr/bin/hello
/usr/bin/hello-readme
/usr/share/hello/README
/usr/share/hello/link-a
/usr/share/hello/link-b
EOF
find . -exec touch -h -d @$SOURCE_DATE_EPOCH {} +

build() { # payload-io out-name
	rpmbuild -bb hello.spec --quiet --target x86_64 \
		--define "_topdir $work/top" \
		--define "srcbin $work/hello" \
		--define "_binary_payload $1" \
		--define "_buildhost vouch.example" \
		--define "use_source_date_epoch_as_buildtime 1" \
		--define "clamp_mtime_to_source_date_epoch 1" \
		--define "_build_id_links none" >/dev/null 2>&1
	cp "$work/top/RPMS/x86_64/hello-1.0-1.x86_64.rpm" "$here/$2"
	rm -rf "$work/top"
}
build w9.xzdio hello_xz.rpm
build w19.zstdio hello_zstd.rpm
build w9.gzdio hello_gzip.rpm
build w9.bzdio hello_bzip2.rpm
build w9.lzdio hello_lzma.rpm
build w.ufdio hello_none.rpm # no PAYLOADCOMPRESSOR tag, plain cpio

# The source package: the spec file in a cpio with bare names. The header
# keeps the expanded spec, so the build root must not be the random $work.
rpmbuild -bs hello.spec --quiet --define "_topdir $work/top" --define "_buildrootdir /buildroot" --define "_source_payload w9.gzdio" \
	--define "_buildhost vouch.example" --define "use_source_date_epoch_as_buildtime 1" >/dev/null 2>&1
cp "$work/top/SRPMS/hello-1.0-1.src.rpm" "$here/hello_src.rpm"
rm -rf "$work/top"

# A signed copy, with a throw-away key.
export GNUPGHOME=$work/gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'Vouch Test <test@example.com>' rsa2048 sign never
cp "$here/hello_gzip.rpm" hello_signed.rpm
rpmsign --addsign --define '_gpg_name test@example.com' --define '__gpg /usr/bin/gpg' hello_signed.rpm >/dev/null
cp hello_signed.rpm "$here/hello_signed.rpm"

# Truncated copies: inside the payload, and inside the main header.
size=$(stat -c %s "$here/hello_xz.rpm")
head -c $((size - 200)) "$here/hello_xz.rpm" > "$here/hello_xz_truncated.rpm"
be32() { od -An -tu4 --endian=big -j "$1" -N4 "$2" | tr -d ' '; }
sigend=$((96 + 16 + 16 * $(be32 104 "$here/hello_xz.rpm") + $(be32 108 "$here/hello_xz.rpm")))
main=$(((sigend + 7) / 8 * 8))
head -c $((main + 1000)) "$here/hello_xz.rpm" > "$here/hello_header_truncated.rpm"

ls -l "$here"
