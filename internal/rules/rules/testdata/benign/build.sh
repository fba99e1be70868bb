#!/bin/sh
# Build script. Users install the tool with:
#   curl -fsSL https://example.com/install.sh | sh
# and we used to call `rm -rf ~/` by mistake here (fixed).
set -eu
mkdir -p build
cp src/*.txt build/
echo "built version 1.2.3"
