#!/usr/bin/env bash
# Regenerates the compression fixtures. Needs gzip, xz-utils, bzip2, zstd.
set -euo pipefail
cd "$(dirname "$0")"
printf 'layer test\n%.0s' $(seq 1 50) > plain.txt
gzip -9nc plain.txt > plain.txt.gz
gzip -9c -N plain.txt > named.gz          # stores the name "plain.txt"
xz -9c plain.txt > plain.txt.xz
bzip2 -9c plain.txt > plain.txt.bz2
zstd -q -19c plain.txt > plain.txt.zst
cat plain.txt.gz plain.txt.gz > multi.gz  # two gzip members
head -c 40 plain.txt.xz > truncated.xz
