#!/bin/bash
# Regenerates the ELF fixtures of the elf analyzer and the elffind
# detectors. Needs the Debian packages gcc, binutils and git, and a Go
# toolchain (golang-go) for the Go build info fixture. gcc -m32 is used only
# with -nostdlib, so gcc-multilib is not needed; lib32.so is skipped when
# the assembler or linker lacks i386 support.
# Run from anywhere; writes next to this script. Nothing here is executed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
export LC_ALL=C
cd "$work"

# Fixed build ids keep the fixtures (and the tests) stable across rebuilds.
# Without separate code pages the fixtures (fuzz seeds) are half the size.
bid="-Wl,--build-id=0x0123456789abcdef0123456789abcdef01234567 -Wl,-z,noseparate-code"

# pie: a PIE executable needing libm and libc.
cat > pie.c <<'EOF'
#include <math.h>
#include <stdio.h>
int main(int argc, char **argv) { printf("%f\n", cos((double)argc)); return 0; }
EOF
gcc -O2 -s -fPIE -pie $bid -Wl,--no-as-needed -o pie pie.c -lm

# libctor.so: a shared library with exports and a constructor.
cat > ctor.c <<'EOF'
int ctor_ran;
__attribute__((constructor)) static void init(void) { ctor_ran = 1; }
int ctor_add(int a, int b) { return a + b; }
__attribute__((weak)) int ctor_weak(void) { return 1; }
extern int puts(const char *);
void ctor_hello(void) { puts("hello"); }
EOF
gcc -O2 -s -shared -fPIC $bid -Wl,-soname,libctor.so.1 -o libctor.so ctor.c

# libifunc.so: a library whose exported crc64 is picked by an IFUNC resolver,
# the shape of the xz-utils backdoor hook (lzma_crc64 / crc64_resolve), and
# a local IFUNC seen only in .symtab.
cat > ifunc.c <<'EOF'
typedef unsigned long (*crc_fn)(const void *, unsigned long);
static unsigned long crc64_generic(const void *p, unsigned long n) { return n; }
static unsigned long crc64_clmul(const void *p, unsigned long n) { return n + 1; }
static crc_fn crc64_resolve(void) {
	__builtin_cpu_init();
	return __builtin_cpu_supports("pclmul") ? crc64_clmul : crc64_generic;
}
unsigned long lzma_crc64(const void *, unsigned long) __attribute__((ifunc("crc64_resolve")));
static unsigned long local_crc32(const void *, unsigned long) __attribute__((ifunc("crc64_resolve")));
unsigned long lzma_version(void) { return 50601 + local_crc32(0, 0); }
EOF
# Not stripped: .symtab keeps the local IFUNC local_crc32.
gcc -O2 -shared -fPIC $bid -Wl,-soname,libifunc.so.5 -o libifunc.so ifunc.c

# execstack: an executable that asks for an executable stack.
cat > tiny.c <<'EOF'
void _start(void) { __asm__ volatile("mov $60, %eax\n xor %edi, %edi\n syscall"); }
EOF
gcc -Os -s -nostdlib -static -fno-asynchronous-unwind-tables $bid -Wl,-z,execstack -o execstack tiny.c

# rwx: a static executable with a writable and executable LOAD segment.
cat > rwx.c <<'EOF'
__asm__(".section .wxcode,\"awx\",@progbits\n.globl patchme\npatchme:\n ret\n.previous");
void _start(void) { __asm__ volatile("mov $60, %eax\n xor %edi, %edi\n syscall"); }
EOF
gcc -Os -s -nostdlib -static -fno-asynchronous-unwind-tables $bid -Wl,--no-warn-rwx-segments -o rwx rwx.c

# static: a static executable without libc (a glibc static one is 700 KB).
gcc -Os -s -nostdlib -static -fno-asynchronous-unwind-tables $bid -o static tiny.c

# ctors.o: a relocatable object with one .init_array, one .preinit_array and
# one .ctors entry; .ctors carries the -1/0 sentinels of old crtbegin/crtend.
cat > ctors.c <<'EOF'
static void a(void) {}
static void b(void) {}
static void c(void) {}
__attribute__((section(".init_array"), used)) static void (*ia[])(void) = {a};
__attribute__((section(".preinit_array"), used)) static void (*pa[])(void) = {b};
__attribute__((section(".ctors"), used)) static void *ct[] = {(void *)-1, (void *)c, 0};
EOF
gcc -O2 -c -fno-asynchronous-unwind-tables -o ctors.o ctors.c

# lib32.so: a 32-bit shared library (no libc) with exports and a constructor.
cat > lib32.c <<'EOF'
int value32;
__attribute__((constructor)) static void init32(void) { value32 = 32; }
int add32(int a, int b) { return a + b + value32; }
EOF
if gcc -m32 -O2 -s -shared -fPIC -nostdlib $bid -Wl,-soname,lib32.so.1 -o lib32.so lib32.c 2>/dev/null; then
	have32=1
else
	echo "gen.sh: no i386 support, skipping lib32.so" >&2
	have32=0
fi

# gobuild: a synthetic ELF holding the build info blob and build ID note of a
# real Go binary (which is 1.4 MB, so it is not kept). The module replaces
# a dependency with a local directory and is stamped with git metadata.
mkdir -p go/dep go/hello
printf 'module example.com/dep\n\ngo 1.26\n' > go/dep/go.mod
printf 'package dep\n\nfunc Answer() int { return 42 }\n' > go/dep/dep.go
cat > go/hello/go.mod <<'EOF'
module example.com/hello

go 1.26

require example.com/dep v1.0.0

replace example.com/dep v1.0.0 => ../dep
EOF
cat > go/hello/main.go <<'EOF'
package main

import (
	"os"

	"example.com/dep"
)

var version = "dev"

func main() { os.Exit(dep.Answer() - 42 + len(version) - len(version)) }
EOF
(
	cd go/hello
	git init -q
	git add -A
	GIT_AUTHOR_DATE=2023-11-14T22:13:20Z GIT_COMMITTER_DATE=2023-11-14T22:13:20Z \
		git -c user.name=vouch -c user.email=test@example.com commit -qm fixture
	GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0 GOOS=linux GOARCH=amd64 \
		go build -buildvcs=true -ldflags="-s -w -buildid=vouch-fixture-buildid -X main.version=1.2.3" -o ../../hello.go.bin .
)
(cd "$here" && GOFLAGS= go run ./mkgo "$work/hello.go.bin" "$work/gobuild")

# truncated: the PIE cut after its program headers' targets start.
head -c 3000 pie > truncated

# shnum-lie: the PIE with e_shnum (offset 60) set to 0xffff, so the section
# header table runs past the end of the file; program headers still hold.
cp pie shnum-lie
printf '\xff\xff' | dd of=shnum-lie bs=1 seek=60 conv=notrunc status=none

out=(pie libctor.so libifunc.so execstack rwx static ctors.o gobuild truncated shnum-lie)
[ "$have32" = 1 ] && out+=(lib32.so)
for f in "${out[@]}"; do
	cp "$f" "$here/$f"
done
