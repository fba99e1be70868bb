#!/usr/bin/env bash
# Regenerates the UDIF fixtures with mkdmg.py, our own writer (Debian has
# no hdiutil). Needs Debian package python3. Deterministic.
set -euo pipefail
cd "$(dirname "$0")"
python3 mkdmg.py image.dmg
python3 mkdmg.py corrupt.dmg corrupt-zlib
python3 mkdmg.py lying.dmg lying-mish
python3 mkdmg.py signed.dmg codesign
# A copy cut in the middle: the trailer, and with it everything, is gone.
head -c 2000 image.dmg >truncated.dmg
