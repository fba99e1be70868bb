#!/usr/bin/env bash
# Regenerates the tar fixtures. Needs GNU tar.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/usr/bin"
printf '#!/bin/sh\necho hi\n' > "$tmp/src/usr/bin/tool"
ln -s tool "$tmp/src/usr/bin/alias"
ln "$tmp/src/usr/bin/tool" "$tmp/src/usr/bin/hard"
opts=(--sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner)
tar "${opts[@]}" -C "$tmp/src" --format=ustar -cf ustar.tar ./usr
tar "${opts[@]}" -C "$tmp/src" --format=pax -cf pax.tar ./usr
tar "${opts[@]}" -C "$tmp/src" --format=gnu -cf gnu.tar ./usr
tar "${opts[@]}" -C "$tmp/src" --format=v7 -cf v7.tar ./usr
head -c 700 ustar.tar > truncated.tar
