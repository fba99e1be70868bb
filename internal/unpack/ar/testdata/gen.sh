#!/bin/bash
# Regenerates the ar/deb fixtures. Needs the Debian packages dpkg (dpkg-deb),
# binutils (ar), llvm (llvm-ar, for the BSD format), gcc, xz-utils and zstd.
# Run from anywhere; writes next to this script.
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

# pkg: one postinst. pkg2: every maintainer script dpkg knows.
mkpkg() {
	local dir=$1
	mkdir -p "$dir/DEBIAN" "$dir/usr/bin" "$dir/usr/share/doc/hello"
	cat > "$dir/DEBIAN/control" <<'EOF'
Package: hello
Version: 1:1.0-1
Architecture: amd64
Maintainer: Vouch Test <test@example.com>
Installed-Size: 12
Description: test fixture for vouch
 A package that only exits.
EOF
	printf '#!/bin/sh\nset -e\necho configured hello\n' > "$dir/DEBIAN/postinst"
	cp hello "$dir/usr/bin/hello"
	printf 'hello is a test fixture.\n' > "$dir/usr/share/doc/hello/README"
	ln -s ../share/doc/hello/README "$dir/usr/bin/hello-readme"
	chmod 755 "$dir/DEBIAN/postinst" "$dir/usr/bin/hello"
	chmod 644 "$dir/usr/share/doc/hello/README" "$dir/DEBIAN/control"
}
mkpkg pkg
mkpkg pkg2
for s in preinst prerm postrm config; do
	printf '#!/bin/sh\necho %s\n' "$s" > "pkg2/DEBIAN/$s"
	chmod 755 "pkg2/DEBIAN/$s"
done
printf 'interest-noawait /usr/share/hello\n' > pkg2/DEBIAN/triggers
chmod 644 pkg2/DEBIAN/triggers
find pkg pkg2 -exec touch -h -d @$SOURCE_DATE_EPOCH {} +

dpkg-deb --root-owner-group -Zgzip -b pkg "$here/hello_gzip.deb" >/dev/null
dpkg-deb --root-owner-group -Zzstd -b pkg "$here/hello_zstd.deb" >/dev/null
dpkg-deb --root-owner-group -Znone -b pkg "$here/hello_none.deb" >/dev/null
dpkg-deb --root-owner-group -Zxz -b pkg2 "$here/hello_scripts_xz.deb" >/dev/null

# control.tar.xz with data.tar.zst, which dpkg-deb never writes together;
# GNU ar also ends names with "/", unlike dpkg-deb.
mkdir mixed && cd mixed
ar x "$here/hello_scripts_xz.deb" debian-binary control.tar.xz
ar x "$here/hello_zstd.deb" data.tar.zst
touch -d @$SOURCE_DATE_EPOCH debian-binary control.tar.xz data.tar.zst
rm -f "$here/mixed.deb"
ar rcD "$here/mixed.deb" debian-binary control.tar.xz data.tar.zst
cd ..

# Static libraries: a long member name (GNU "//" table, BSD "#1/NN"), an
# odd-sized member (padding), and a symbol table to skip.
cat > short.c <<'EOF'
int short_fn(void) { return 1; }
EOF
cat > a_rather_long_object_file_name.c <<'EOF'
int long_fn(void) { return 2; }
EOF
gcc -Os -c short.c a_rather_long_object_file_name.c
printf 'odd\n\n' > odd.txt # 5 bytes
touch -d @$SOURCE_DATE_EPOCH short.o a_rather_long_object_file_name.o odd.txt
rm -f "$here/libgnu.a" "$here/libbsd.a"
ar rcsD "$here/libgnu.a" short.o odd.txt a_rather_long_object_file_name.o
llvm-ar --format=bsd rcsD "$here/libbsd.a" short.o odd.txt a_rather_long_object_file_name.o

# Truncated copies: inside data.tar.gz, and inside the long-named member.
size=$(stat -c %s "$here/hello_gzip.deb")
head -c $((size - 100)) "$here/hello_gzip.deb" > "$here/hello_gzip_truncated.deb"
size=$(stat -c %s "$here/libgnu.a")
head -c $((size - 10)) "$here/libgnu.a" > "$here/libgnu_truncated.a"

ls -l "$here"
